#include "http/routes/records_routes.hpp"

#include "crypto/random.hpp"
#include "http/routes/patient_access.hpp"
#include "http/routes/prescription_routes.hpp"
#include "http/routes/scheduling_routes.hpp"
#include "records/records.hpp"

namespace telehealth::http {

namespace {

using identity::Role;

nlohmann::json encounter_json(const records::Encounter& encounter) {
  return {{"id", encounter.id},
          {"appointment_id", encounter.appointment_id},
          {"clinician", person_json(encounter.clinician)},
          {"created_at", core::format_rfc3339(encounter.created_at)},
          {"note", encounter.note}};
}

nlohmann::json records_json(const records::PatientRecords& record_set) {
  auto appointments = nlohmann::json::array();
  for (const auto& appointment : record_set.appointments) {
    appointments.push_back(appointment_json(appointment));
  }
  auto encounters = nlohmann::json::array();
  for (const auto& encounter : record_set.encounters) {
    encounters.push_back(encounter_json(encounter));
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

Response get_records(Services& services, Context& context) {
  return with_patient_access(
      services, context, AccessKind::read, {"records", std::nullopt}, "records.read",
      [&](const identity::PatientAccess& access) {
        return json_response(200, records_json(records::read_records(access, services.keyring)));
      });
}

// The new row's id is drawn before the access decision so that its audit
// event names the record it allowed to be written.
Response post_encounter(Services& services, Context& context) {
  const auto encounter_id = crypto::new_uuid();
  return with_patient_access(
      services, context, AccessKind::write, {"encounter", encounter_id}, "encounter.create",
      [&](const identity::PatientAccess& access) {
        const auto body = context.json_body();
        const auto appointment_id = require_uuid(body, "appointment_id");
        const auto note = require_string(body, "note");
        return json_response(201, encounter_json(records::create_encounter(
                                      access, services.keyring, encounter_id, appointment_id,
                                      note)));
      });
}

}  // namespace

void add_records_routes(Router& router, Services& services) {
  router.add({"GET", "/api/patients/{patient_id}/records", Access::verified,
              {Role::patient, Role::clinician}, true},
             [&services](Context& context) { return get_records(services, context); });
  router.add({"POST", "/api/patients/{patient_id}/encounters", Access::verified,
              {Role::clinician}, true},
             [&services](Context& context) { return post_encounter(services, context); });
}

}  // namespace telehealth::http
