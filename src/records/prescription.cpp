#include "records/prescription.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "records/text.hpp"

namespace telehealth::records {

namespace {

// The request's fields before their values are checked.
struct RawPrescription {
  std::string drug, strength, form, dose, route, frequency;
  std::int64_t quantity = 0;
};

std::string read_string(const nlohmann::json& body, const std::string& field) {
  const auto found = body.find(field);
  if (found == body.end() || found->is_null()) core::throw_invalid_field(field, "is required");
  if (!found->is_string()) core::throw_invalid_field(field, "must be a string");
  return found->get<std::string>();
}

// Out-of-range integers become 0 or kMaxQuantity + 1, so that the value check
// rejects them with its usual message.
std::int64_t read_quantity(const nlohmann::json& body) {
  const auto found = body.find("quantity");
  if (found == body.end() || found->is_null()) core::throw_invalid_field("quantity", "is required");
  if (found->is_number_unsigned()) {
    const auto value = found->get<std::uint64_t>();
    return value > static_cast<std::uint64_t>(kMaxQuantity) ? kMaxQuantity + 1
                                                            : static_cast<std::int64_t>(value);
  }
  if (found->is_number_integer()) return std::max<std::int64_t>(found->get<std::int64_t>(), 0);
  core::throw_invalid_field("quantity", "must be a whole number");
}

RawPrescription read_fields(const nlohmann::json& body) {
  if (!body.is_object()) core::throw_invalid_field("prescription", "must be a JSON object");
  RawPrescription raw;
  raw.drug = read_string(body, "drug");
  raw.strength = read_string(body, "strength");
  raw.form = read_string(body, "form");
  raw.dose = read_string(body, "dose");
  raw.route = read_string(body, "route");
  raw.frequency = read_string(body, "frequency");
  raw.quantity = read_quantity(body);
  return raw;
}

std::string checked_text(const std::string& field, std::string_view value) {
  const auto trimmed = trim(value);
  if (trimmed.empty()) core::throw_unacceptable(field, "must not be empty");
  if (count_characters(trimmed) > kMaxPrescriptionTextCharacters) {
    core::throw_unacceptable(field, "must be at most " +
                                        std::to_string(kMaxPrescriptionTextCharacters) +
                                        " characters");
  }
  return std::string(trimmed);
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& values, std::string_view value) noexcept {
  return std::find(values.begin(), values.end(), value) != values.end();
}

template <std::size_t N>
std::string join(const std::array<std::string_view, N>& values) {
  std::string out;
  for (const auto value : values) {
    if (!out.empty()) out += ", ";
    out += value;
  }
  return out;
}

}  // namespace

bool route_suits_form(std::string_view form, std::string_view route) noexcept {
  if (form == "tablet" || form == "capsule" || form == "oral solution") return route == "oral";
  if (form == "inhaler") return route == "inhalation";
  if (form == "cream") return route == "topical";
  if (form == "injection") {
    return route == "subcutaneous" || route == "intramuscular" || route == "intravenous";
  }
  return false;
}

PrescriptionContent parse_prescription(const nlohmann::json& body) {
  const RawPrescription raw = read_fields(body);

  PrescriptionContent content;
  content.drug = checked_text("drug", raw.drug);
  content.strength = checked_text("strength", raw.strength);
  if (!contains(kDosageForms, raw.form)) {
    core::throw_unacceptable("form", "must be one of: " + join(kDosageForms));
  }
  content.form = raw.form;
  content.dose = checked_text("dose", raw.dose);
  if (!contains(kRoutesOfAdministration, raw.route)) {
    core::throw_unacceptable("route", "must be one of: " + join(kRoutesOfAdministration));
  }
  if (!route_suits_form(raw.form, raw.route)) {
    core::throw_unacceptable(
        "route",
        "does not suit the form; use oral for tablet, capsule and oral solution, inhalation for "
        "inhaler, topical for cream, and subcutaneous, intramuscular or intravenous for injection");
  }
  content.route = raw.route;
  content.frequency = checked_text("frequency", raw.frequency);
  if (raw.quantity < 1 || raw.quantity > kMaxQuantity) {
    core::throw_unacceptable("quantity", "must be between 1 and " + std::to_string(kMaxQuantity));
  }
  content.quantity = raw.quantity;
  return content;
}

nlohmann::json to_json(const PrescriptionContent& content) {
  return nlohmann::json{{"drug", content.drug},   {"strength", content.strength},
                        {"form", content.form},   {"dose", content.dose},
                        {"route", content.route}, {"frequency", content.frequency},
                        {"quantity", content.quantity}};
}

}  // namespace telehealth::records
