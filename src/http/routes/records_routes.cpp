#include "http/routes/records_routes.hpp"

#include "crypto/random.hpp"
#include "http/routes/note_routes.hpp"
#include "http/routes/patient_access.hpp"
#include "http/routes/prescription_routes.hpp"
#include "http/routes/scheduling_routes.hpp"
#include "records/records.hpp"

namespace telehealth::http {

namespace {

using identity::Role;

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

Response get_records(Services& services, Context& context) {
  return with_patient_access(
      services, context, AccessKind::read, {"records", std::nullopt}, "records.read",
      [&](const identity::PatientAccess& access) {
        return json_response(200, records_json(records::read_records(access, services.keyring)));
      });
}

}  // namespace

void add_records_routes(Router& router, Services& services) {
  router.add({"GET", "/api/patients/{patient_id}/records", Access::verified,
              {Role::patient, Role::clinician}, true},
             [&services](Context& context) { return get_records(services, context); });
  add_note_routes(router, services);
}

}  // namespace telehealth::http
