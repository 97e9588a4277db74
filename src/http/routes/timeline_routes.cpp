#include "http/routes/timeline_routes.hpp"

#include "http/query.hpp"
#include "http/routes/patient_access.hpp"
#include "http/routes/scheduling_routes.hpp"
#include "records/timeline.hpp"

namespace telehealth::http {

namespace {

using identity::Role;

nlohmann::json entry_json(const records::TimelineEntry& entry) {
  return {{"kind", records::to_string(entry.kind)},
          {"id", entry.id},
          {"occurred_at", core::format_rfc3339(entry.occurred_at)},
          {"appointment_id", entry.appointment_id ? nlohmann::json(*entry.appointment_id)
                                                  : nlohmann::json(nullptr)},
          {"clinician", person_json(entry.clinician)},
          {"status", entry.status},
          {"summary", entry.summary}};
}

// Query parameters are checked before the access decision, so that a
// malformed cursor costs no audit event and reads nothing.
Response get_timeline(Services& services, Context& context) {
  const QueryParameters query(context.query, {"cursor", "limit"});
  std::optional<records::TimelinePosition> after;
  if (const auto text = query.text("cursor")) {
    after = records::decode_position(*text);
    if (!after) {
      core::throw_invalid_field("cursor",
                                "is not a cursor that this server returned; start again without it");
    }
  }
  const auto limit = static_cast<std::size_t>(
      query.integer("limit", 1, records::kMaxTimelinePage)
          .value_or(records::kDefaultTimelinePage));

  return with_patient_access(
      services, context, AccessKind::read, {"timeline", std::nullopt}, "timeline.read",
      [&](const identity::PatientAccess& access) {
        const auto page = records::read_timeline(access, services.keyring, after, limit);
        auto entries = nlohmann::json::array();
        for (const auto& entry : page.entries) entries.push_back(entry_json(entry));
        const auto next = page.next ? nlohmann::json(records::encode_position(*page.next))
                                    : nlohmann::json(nullptr);
        return json_response(200, {{"entries", std::move(entries)}, {"next", next}});
      });
}

}  // namespace

void add_timeline_routes(Router& router, Services& services) {
  router.add({"GET", "/api/patients/{patient_id}/timeline", Access::verified,
              {Role::patient, Role::clinician}, true},
             [&services](Context& context) { return get_timeline(services, context); });
}

}  // namespace telehealth::http
