#include "http/routes/audit_routes.hpp"

#include "audit/chain.hpp"
#include "audit/export.hpp"
#include "audit/review.hpp"
#include "db/transaction.hpp"
#include "http/query.hpp"
#include "identity/actor_event.hpp"
#include "identity/policy.hpp"
#include "records/access_report.hpp"

namespace telehealth::http {

namespace {

using identity::Role;

// A review page shows at most this many events.
constexpr std::int64_t kMaxPageSize = 200;
constexpr std::int64_t kDefaultPageSize = 50;
// An export contains at most this many events, because the response is built
// in memory and its audit event lists every id it returned. Past the bound,
// the X-Next-Cursor header continues the export.
constexpr std::size_t kMaxExportEvents = 10000;
constexpr std::int64_t kMaxReportPageSize = 100;
constexpr std::int64_t kDefaultReportPageSize = 25;

// Text that users supplied (display names, user agents) is replaced where it
// is not valid UTF-8, rather than failing the whole page.
Response json_text_response(const nlohmann::json& body) {
  Response response;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

bool is_event_type_text(const std::string& text) {
  return !text.empty() && text.size() <= 100 &&
         text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.") == std::string::npos;
}

audit::ReviewFilter parse_filter(const QueryParameters& query) {
  audit::ReviewFilter filter;
  filter.patient_id = query.uuid("patient_id");
  filter.actor_id = query.uuid("actor_id");
  if (const auto type = query.text("event_type")) {
    if (!is_event_type_text(*type)) {
      core::throw_invalid_field("event_type",
                                "must be an event type such as records.read, or a prefix "
                                "ending in a dot such as auth.");
    }
    // "auth." matches every event type that starts with it.
    if (type->back() == '.') {
      filter.event_type_prefix = type;
    } else {
      filter.event_type = type;
    }
  }
  if (const auto outcome = query.text("outcome")) {
    if (*outcome != "allowed" && *outcome != "denied" && *outcome != "failed") {
      core::throw_invalid_field("outcome", "must be allowed, denied or failed");
    }
    filter.outcome = outcome;
  }
  filter.from = query.time("from");
  filter.to = query.time("to");
  if (filter.from && filter.to && *filter.to <= *filter.from) {
    core::throw_invalid_field("to", "must be later than from");
  }
  filter.flagged = query.boolean("flagged");
  return filter;
}

std::optional<audit::ReviewCursor> parse_cursor(const QueryParameters& query) {
  const auto text = query.text("cursor");
  if (!text) return std::nullopt;
  auto cursor = audit::decode_cursor(*text);
  if (!cursor) {
    core::throw_invalid_field("cursor",
                              "is not a cursor that this server returned; start again without it");
  }
  return cursor;
}

void require_auditor(const identity::Actor& actor) {
  // The route table admits auditors only; this repeats it where the rows
  // are read, so a change to the table alone cannot open the log.
  if (actor.role != Role::auditor) {
    throw core::Error(core::ErrorKind::forbidden, "your role may not use this function");
  }
}

std::string joined_ids(const std::vector<audit::ReviewRow>& rows) {
  std::string ids;
  for (const auto& row : rows) {
    if (!ids.empty()) ids += ',';
    ids += row.id;
  }
  return ids;
}

// Reads one page and appends the auditor's own event for it (`event_type`,
// with the filter's patient and every id returned) in one transaction, so
// the rows leave only once that event is durable.
audit::ReviewPage read_and_record(Services& services, const Context& context,
                                  const audit::ReviewFilter& filter,
                                  const std::optional<audit::ReviewCursor>& cursor,
                                  std::size_t limit, const std::string& event_type,
                                  const std::optional<std::string>& record_id) {
  const auto& actor = context.signed_in();
  require_auditor(actor);
  auto lease = services.pool.acquire();
  db::Transaction tx(*lease);
  auto page = audit::search_events(tx, filter, cursor, limit);
  auto event = identity::actor_event(actor, event_type, audit::Outcome::allowed);
  event.patient_id = filter.patient_id;
  event.record_type = "audit_events";
  event.record_id = record_id;
  event.result_ids = joined_ids(page.rows);
  audit::append(tx, event, context.now);
  tx.commit();
  return page;
}

nlohmann::json next_json(const std::optional<audit::ReviewCursor>& next) {
  return next ? nlohmann::json(audit::encode_cursor(*next)) : nlohmann::json(nullptr);
}

Response list_events(Services& services, Context& context) {
  const QueryParameters query(context.query, {"patient_id", "actor_id", "event_type", "outcome",
                                              "from", "to", "flagged", "cursor", "limit"});
  const auto filter = parse_filter(query);
  const auto cursor = parse_cursor(query);
  const auto limit = query.integer("limit", 1, kMaxPageSize).value_or(kDefaultPageSize);
  const auto page = read_and_record(services, context, filter, cursor,
                                    static_cast<std::size_t>(limit), "audit.search", std::nullopt);
  auto events = nlohmann::json::array();
  for (const auto& row : page.rows) events.push_back(audit::row_json(row));
  return json_text_response({{"events", std::move(events)}, {"next", next_json(page.next)}});
}

Response export_events(Services& services, Context& context) {
  const QueryParameters query(context.query, {"patient_id", "actor_id", "event_type", "outcome",
                                              "from", "to", "flagged", "cursor", "format"});
  const auto format = query.text("format");
  if (!format || (*format != "csv" && *format != "json")) {
    core::throw_invalid_field("format", "must be csv or json");
  }
  const auto filter = parse_filter(query);
  const auto cursor = parse_cursor(query);
  const auto page =
      read_and_record(services, context, filter, cursor, kMaxExportEvents, "audit.export", format);

  const auto stamp = core::format_rfc3339(context.now);
  std::string file_stamp;
  for (const char c : stamp) {
    if (c != '-' && c != ':') file_stamp += c;
  }
  Response response;
  if (*format == "csv") {
    response.content_type = "text/csv; charset=utf-8";
    response.body = audit::csv_header();
    for (const auto& row : page.rows) response.body += audit::csv_line(row);
  } else {
    auto events = nlohmann::json::array();
    for (const auto& row : page.rows) events.push_back(audit::row_json(row));
    response = json_text_response({{"exported_at", stamp},
                                   {"count", page.rows.size()},
                                   {"next", next_json(page.next)},
                                   {"events", std::move(events)}});
  }
  response.headers.emplace_back(
      "Content-Disposition",
      "attachment; filename=\"audit-events-" + file_stamp + "." + *format + "\"");
  if (page.next) response.headers.emplace_back("X-Next-Cursor", audit::encode_cursor(*page.next));
  return response;
}

nlohmann::json entry_json(const records::AccessReportEntry& entry, const std::string& clinic) {
  const auto optional_json = [](const std::optional<std::string>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
  };
  return {{"id", entry.id},
          {"occurred_at", core::format_rfc3339(entry.occurred_at)},
          {"who", {{"display_name", optional_json(entry.actor_display_name)},
                   {"role", optional_json(entry.actor_role)}}},
          {"clinic", clinic},
          {"action", entry.action},
          {"reason", entry.reason},
          {"emergency", entry.emergency},
          {"event_type", entry.event_type}};
}

Response access_report(Services& services, Context& context) {
  const QueryParameters query(context.query, {"cursor", "limit"});
  const auto cursor = parse_cursor(query);
  const auto limit =
      query.integer("limit", 1, kMaxReportPageSize).value_or(kDefaultReportPageSize);

  auto lease = services.pool.acquire();
  db::Transaction tx(*lease);
  // The patient may read only their own report: the policy allows a patient
  // only their own record, and the route admits only patients, so a
  // clinician who may read the record still cannot read who else did.
  const auto access =
      identity::authorize_patient(tx, context.signed_in(), context.param("patient_id"),
                                  {"access_report", std::nullopt}, "access_report.read",
                                  context.now);
  const auto page = records::read_access_report(access, cursor ? cursor->after : std::nullopt,
                                                static_cast<std::size_t>(limit));
  tx.commit();

  auto entries = nlohmann::json::array();
  for (const auto& entry : page.entries) entries.push_back(entry_json(entry, services.clinic_name));
  const auto next = page.next ? nlohmann::json(audit::encode_cursor({false, *page.next}))
                              : nlohmann::json(nullptr);
  return json_text_response({{"entries", std::move(entries)}, {"next", next}});
}

}  // namespace

void add_audit_routes(Router& router, Services& services) {
  auto bind = [&services](Response (*handler)(Services&, Context&)) {
    return [&services, handler](Context& context) { return handler(services, context); };
  };
  router.add({"GET", "/api/audit/events", Access::verified, {Role::auditor}, true},
             bind(list_events));
  router.add({"GET", "/api/audit/events/export", Access::verified, {Role::auditor}, true},
             bind(export_events));
  router.add({"GET", "/api/patients/{patient_id}/access-report", Access::verified,
              {Role::patient}, true},
             bind(access_report));
}

}  // namespace telehealth::http
