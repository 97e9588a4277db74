#include "http/routes/scheduling_routes.hpp"

#include "db/transaction.hpp"
#include "scheduling/availability.hpp"

namespace telehealth::http {

namespace {

using identity::Role;

nlohmann::json slot_json(const scheduling::Slot& slot) {
  return {{"id", slot.id},
          {"clinician_id", slot.clinician_id},
          {"starts_at", core::format_rfc3339(slot.time.starts_at)},
          {"ends_at", core::format_rfc3339(slot.time.ends_at)},
          {"booked", slot.booked}};
}

nlohmann::json slots_json(const std::vector<scheduling::Slot>& slots) {
  auto list = nlohmann::json::array();
  for (const auto& slot : slots) list.push_back(slot_json(slot));
  return list;
}

Response list_clinicians(Services& services, Context&) {
  auto lease = services.pool.acquire();
  auto list = nlohmann::json::array();
  for (const auto& clinician : scheduling::list_clinicians(*lease)) {
    list.push_back(person_json(clinician));
  }
  return json_response(200, list);
}

Response publish_availability(Services& services, Context& context) {
  const auto body = context.json_body();
  const scheduling::AvailabilityRequest request{require_time(body, "starts_at"),
                                                require_time(body, "ends_at"),
                                                require_integer(body, "slot_minutes")};
  auto lease = services.pool.acquire();
  db::Transaction tx(*lease);
  const auto slots =
      scheduling::publish_availability(tx, context.signed_in(), request, context.now);
  tx.commit();
  return json_response(201, {{"slots", slots_json(slots)}});
}

Response list_own_slots(Services& services, Context& context) {
  auto lease = services.pool.acquire();
  return json_response(
      200, slots_json(scheduling::list_own_slots(*lease, context.signed_in(), context.now)));
}

Response list_free_slots(Services& services, Context& context) {
  auto lease = services.pool.acquire();
  return json_response(200, slots_json(scheduling::list_free_slots(
                                *lease, context.param("clinician_id"), context.now)));
}

Response book_appointment(Services& services, Context& context) {
  const auto body = context.json_body();
  const auto slot_id = require_uuid(body, "slot_id");
  auto lease = services.pool.acquire();
  db::Transaction tx(*lease);
  const auto appointment =
      scheduling::book_appointment(tx, context.signed_in(), slot_id, context.now);
  tx.commit();
  return json_response(201, appointment_json(appointment));
}

Response list_appointments(Services& services, Context& context) {
  auto lease = services.pool.acquire();
  db::Transaction tx(*lease);
  const auto appointments = scheduling::list_appointments(tx, context.signed_in(), context.now);
  tx.commit();

  auto list = nlohmann::json::array();
  for (const auto& appointment : appointments) list.push_back(appointment_json(appointment));
  return json_response(200, list);
}

Response read_appointment(Services& services, Context& context) {
  auto lease = services.pool.acquire();
  db::Transaction tx(*lease);
  const auto appointment = scheduling::read_appointment(
      tx, context.signed_in(), context.param("appointment_id"), context.now);
  tx.commit();
  return json_response(200, appointment_json(appointment));
}

}  // namespace

nlohmann::json person_json(const scheduling::PersonRef& person) {
  return {{"id", person.id}, {"display_name", person.display_name}};
}

nlohmann::json appointment_json(const scheduling::Appointment& appointment) {
  return {{"id", appointment.id},
          {"starts_at", core::format_rfc3339(appointment.time.starts_at)},
          {"ends_at", core::format_rfc3339(appointment.time.ends_at)},
          {"status", scheduling::to_string(appointment.status)},
          {"patient", person_json(appointment.patient)},
          {"clinician", person_json(appointment.clinician)}};
}

void add_scheduling_routes(Router& router, Services& services) {
  // Availability is not PHI. Appointments name a patient, so they are.
  router.add({"GET", "/api/clinicians", Access::verified, {}, false},
             [&services](Context& context) { return list_clinicians(services, context); });
  router.add({"POST", "/api/availability", Access::verified, {Role::clinician}, false},
             [&services](Context& context) { return publish_availability(services, context); });
  router.add({"GET", "/api/availability", Access::verified, {Role::clinician}, false},
             [&services](Context& context) { return list_own_slots(services, context); });
  router.add({"GET", "/api/clinicians/{clinician_id}/slots", Access::verified, {Role::patient},
              false},
             [&services](Context& context) { return list_free_slots(services, context); });
  router.add({"POST", "/api/appointments", Access::verified, {Role::patient}, true},
             [&services](Context& context) { return book_appointment(services, context); });
  router.add({"GET", "/api/appointments", Access::verified, {Role::patient, Role::clinician},
              true},
             [&services](Context& context) { return list_appointments(services, context); });
  router.add({"GET", "/api/appointments/{appointment_id}", Access::verified,
              {Role::patient, Role::clinician}, true},
             [&services](Context& context) { return read_appointment(services, context); });
}

}  // namespace telehealth::http
