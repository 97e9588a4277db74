#include "http/routes/records_routes.hpp"

#include <optional>

#include "audit/sink.hpp"
#include "crypto/random.hpp"
#include "db/transaction.hpp"
#include "http/routes/note_routes.hpp"
#include "http/routes/scheduling_routes.hpp"
#include "identity/policy.hpp"
#include "records/records.hpp"

namespace telehealth::http {

namespace {

using identity::Role;

nlohmann::json prescription_json(const records::Prescription& prescription) {
  auto json = records::to_json(prescription.content);
  json["id"] = prescription.id;
  json["appointment_id"] = prescription.appointment_id;
  json["clinician"] = person_json(prescription.clinician);
  json["created_at"] = core::format_rfc3339(prescription.created_at);
  return json;
}

nlohmann::json records_json(const records::PatientRecords& record_set) {
  auto appointments = nlohmann::json::array();
  for (const auto& appointment : record_set.appointments) {
    appointments.push_back(appointment_json(appointment));
  }
  auto encounters = nlohmann::json::array();
  for (const auto& encounter : record_set.encounters) {
    encounters.push_back(encounter_note_json(encounter));
  }
  auto prescriptions = nlohmann::json::array();
  for (const auto& prescription : record_set.prescriptions) {
    prescriptions.push_back(prescription_json(prescription));
  }
  return {{"patient", person_json(record_set.patient)},
          {"appointments", std::move(appointments)},
          {"encounters", std::move(encounters)},
          {"prescriptions", std::move(prescriptions)}};
}

enum class Kind { read, write };

// Decides access to the patient in the route, then runs `work` with the
// proof in the same transaction and commits. Every outcome is audited: a
// denial by authorize_patient, success with the change, and a failure after
// an allowed decision (bad input, say) as a "failed" event of its own,
// because the allowed event rolls back with the request's transaction.
// A read's event goes to the group-commit writer, and the connection keeps
// the response until the event is durable. A write's event commits with the
// write.
template <typename Work>
Response with_patient_access(Services& services, Context& context, Kind kind,
                             const identity::RecordRef& record, const std::string& event_type,
                             Work work) {
  auto lease = services.pool.acquire();
  const auto& patient_id = context.param("patient_id");
  audit::TransactionSink in_transaction;
  std::optional<audit::GroupCommitSink> group_commit;
  if (kind == Kind::read && services.audit_writer != nullptr) {
    group_commit.emplace(*services.audit_writer, context.audit_tickets);
  }
  audit::Sink& sink = group_commit ? static_cast<audit::Sink&>(*group_commit) : in_transaction;
  std::exception_ptr failure;
  {
    db::Transaction tx(*lease);
    const auto access = identity::authorize_patient(tx, sink, context.signed_in(), patient_id,
                                                    record, event_type, context.now);
    try {
      Response response = work(access);
      tx.commit();
      return response;
    } catch (...) {
      failure = std::current_exception();
    }
  }
  identity::record_failed_access(*lease, context.signed_in(), patient_id, record, event_type,
                                 context.now);
  std::rethrow_exception(failure);
}

Response get_records(Services& services, Context& context) {
  return with_patient_access(
      services, context, Kind::read, {"records", std::nullopt}, "records.read",
      [&](const identity::PatientAccess& access) {
        return json_response(200, records_json(records::read_records(access, services.keyring)));
      });
}

// The new row's id is drawn before the access decision so that its audit
// event names the record it allowed to be written.
Response post_prescription(Services& services, Context& context) {
  const auto prescription_id = crypto::new_uuid();
  return with_patient_access(
      services, context, Kind::write, {"prescription", prescription_id}, "prescription.create",
      [&](const identity::PatientAccess& access) {
        const auto body = context.json_body();
        const auto appointment_id = require_uuid(body, "appointment_id");
        const auto content = records::parse_prescription(body);
        return json_response(201, prescription_json(records::create_prescription(
                                      access, services.keyring, prescription_id,
                                      appointment_id, content)));
      });
}

}  // namespace

void add_records_routes(Router& router, Services& services) {
  router.add({"GET", "/api/patients/{patient_id}/records", Access::verified,
              {Role::patient, Role::clinician}, true},
             [&services](Context& context) { return get_records(services, context); });
  router.add({"POST", "/api/patients/{patient_id}/prescriptions", Access::verified,
              {Role::clinician}, true},
             [&services](Context& context) { return post_prescription(services, context); });
  add_note_routes(router, services);
}

}  // namespace telehealth::http
