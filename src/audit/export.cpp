#include "audit/export.hpp"

#include <array>

namespace telehealth::audit {

namespace {

constexpr std::array<const char*, 19> kColumns = {
    "chain",      "seq",         "id",          "occurred_at",  "event_type",
    "actor_id",   "actor_role",  "actor_display_name", "patient_id", "record_type",
    "record_id",  "outcome",     "client_ip",   "user_agent",   "request_id",
    "break_glass_id", "result_ids", "flagged",  "flag_reasons"};

nlohmann::json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

std::vector<std::string> split_ids(const std::string& ids) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= ids.size()) {
    const auto end = std::min(ids.find(',', start), ids.size());
    if (end > start) out.push_back(ids.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::vector<std::string> flag_reasons(const ReviewRow& row) {
  std::vector<std::string> reasons;
  if (row.break_glass) reasons.emplace_back("break_glass");
  if (row.denied) reasons.emplace_back("denied");
  return reasons;
}

std::string join(const std::vector<std::string>& parts, char separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

}  // namespace

nlohmann::json row_json(const ReviewRow& row) {
  return {{"chain", row.chain},
          {"seq", row.seq},
          {"id", row.id},
          {"occurred_at", core::format_rfc3339(row.occurred_at)},
          {"event_type", row.event_type},
          {"actor_id", optional_json(row.actor_id)},
          {"actor_role", optional_json(row.actor_role)},
          {"actor_display_name", optional_json(row.actor_display_name)},
          {"patient_id", optional_json(row.patient_id)},
          {"record_type", optional_json(row.record_type)},
          {"record_id", optional_json(row.record_id)},
          {"outcome", row.outcome},
          {"client_ip", optional_json(row.client_ip)},
          {"user_agent", optional_json(row.user_agent)},
          {"request_id", optional_json(row.request_id)},
          {"break_glass_id", optional_json(row.break_glass_id)},
          {"result_ids", row.result_ids ? nlohmann::json(split_ids(*row.result_ids))
                                        : nlohmann::json(nullptr)},
          {"flagged", row.flagged()},
          {"flag_reasons", flag_reasons(row)}};
}

std::string csv_cell(std::string_view value) {
  std::string cell;
  if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' ||
                         value[0] == '@' || value[0] == '\t' || value[0] == '\r')) {
    cell += '\'';
  }
  cell += value;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (const char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string csv_header() {
  std::vector<std::string> names(kColumns.begin(), kColumns.end());
  return join(names, ',') + "\r\n";
}

std::string csv_line(const ReviewRow& row) {
  const auto text = [](const std::optional<std::string>& value) {
    return value ? csv_cell(*value) : std::string();
  };
  const std::vector<std::string> cells = {csv_cell(row.chain),
                                          std::to_string(row.seq),
                                          csv_cell(row.id),
                                          core::format_rfc3339(row.occurred_at),
                                          csv_cell(row.event_type),
                                          text(row.actor_id),
                                          text(row.actor_role),
                                          text(row.actor_display_name),
                                          text(row.patient_id),
                                          text(row.record_type),
                                          text(row.record_id),
                                          csv_cell(row.outcome),
                                          text(row.client_ip),
                                          text(row.user_agent),
                                          text(row.request_id),
                                          text(row.break_glass_id),
                                          text(row.result_ids),
                                          row.flagged() ? "true" : "false",
                                          csv_cell(join(flag_reasons(row), ' '))};
  return join(cells, ',') + "\r\n";
}

}  // namespace telehealth::audit
