#include "messaging/care_team.hpp"

#include "audit/chain.hpp"
#include "core/error.hpp"
#include "db/transaction.hpp"
#include "identity/actor_event.hpp"
#include "identity/policy.hpp"
#include "messaging/thread_key.hpp"
#include "messaging/threads.hpp"

namespace telehealth::messaging {

namespace {

void require_role(db::Transaction& tx, const std::string& user_id, const std::string& role,
                  const std::string& field) {
  const auto rows = tx.exec("SELECT 1 FROM users WHERE id = $1 AND role = $2", {user_id, role});
  if (rows.empty()) core::throw_unacceptable(field, "no " + role + " has this id");
}

void audit(db::Transaction& tx, const identity::Actor& admin, const std::string& event_type,
           const std::string& patient_id, const std::string& record_type,
           const std::string& record_id, audit::Outcome outcome, core::Seconds now) {
  auto event = identity::actor_event(admin, event_type, outcome);
  event.patient_id = patient_id;
  event.record_type = record_type;
  event.record_id = record_id;
  audit::append(tx, event, now);
}

}  // namespace

Departure record_departure(db::Connection& connection, const crypto::Keyring& keyring,
                           const identity::Actor& admin, const std::string& departure_id,
                           const std::string& patient_id, const std::string& clinician_id,
                           core::Seconds now) {
  db::Transaction tx(connection);
  require_role(tx, patient_id, "patient", "patient_id");
  require_role(tx, clinician_id, "clinician", "clinician_id");
  if (!identity::has_treating_relationship(tx, clinician_id, patient_id)) {
    throw core::Error(core::ErrorKind::conflict,
                      "clinician_id: this clinician is not on the patient's care team now",
                      "clinician_id");
  }

  // departed_at comes from the same clock as appointments.created_at (the
  // request's time, whole seconds). A booking in the same second counts as
  // made before the departure, so it does not restore access.
  tx.exec(
      "INSERT INTO care_team_departures (id, patient_id, clinician_id, recorded_by, departed_at)"
      " VALUES ($1, $2, $3, $4, $5)",
      {departure_id, patient_id, clinician_id, admin.user_id, core::format_rfc3339(now)});
  Departure departure{departure_id, patient_id, clinician_id, now, std::nullopt, std::nullopt};
  audit(tx, admin, "admin.care_team_departure", patient_id, "care_team_departure", departure_id,
        audit::Outcome::allowed, now);

  departure.thread_id = find_thread_id(tx, patient_id, clinician_id);
  if (departure.thread_id) {
    departure.thread_key_version =
        add_thread_key(tx, keyring, *departure.thread_id, "care_team_departure");
    audit(tx, admin, "thread.key_rotate", patient_id, "thread", *departure.thread_id,
          audit::Outcome::allowed, now);
  }
  tx.commit();
  return departure;
}

}  // namespace telehealth::messaging
