#include "identity/policy.hpp"

#include "audit/chain.hpp"
#include "core/error.hpp"

namespace telehealth::identity {

namespace {

bool is_allowed(db::Transaction& tx, const Actor& actor, const std::string& patient_id) {
  switch (actor.role) {
    case Role::patient: return actor.user_id == patient_id;
    case Role::clinician: return has_treating_relationship(tx, actor.user_id, patient_id);
    case Role::admin:
    case Role::auditor: return false;
  }
  return false;
}

audit::Event make_event(const Actor& actor, const std::string& patient_id, const RecordRef& record,
                        const std::string& event_type, audit::Outcome outcome) {
  audit::Event event;
  event.event_type = event_type;
  event.actor_id = actor.user_id;
  event.actor_role = to_string(actor.role);
  event.patient_id = patient_id;
  event.record_type = record.type;
  event.record_id = record.id;
  event.outcome = outcome;
  event.client_ip = actor.client_ip;
  event.user_agent = actor.user_agent;
  event.request_id = actor.request_id;
  return event;
}

}  // namespace

void record_failed_access(db::Connection& connection, const Actor& actor,
                          const std::string& patient_id, const RecordRef& record,
                          const std::string& event_type, core::Seconds now) {
  db::Transaction tx(connection);
  audit::append(tx, make_event(actor, patient_id, record, event_type, audit::Outcome::failed),
                now);
  tx.commit();
}

bool has_treating_relationship(db::Transaction& tx, const std::string& clinician_id,
                               const std::string& patient_id) {
  return !tx.exec(
                "SELECT 1 FROM appointments WHERE clinician_id = $1 AND patient_id = $2"
                " AND status = 'booked' LIMIT 1",
                {clinician_id, patient_id})
              .empty();
}

PatientAccess authorize_patient(db::Transaction& tx, const Actor& actor,
                                const std::string& patient_id, const RecordRef& record,
                                const std::string& event_type, core::Seconds now) {
  if (is_allowed(tx, actor, patient_id)) {
    audit::append(tx, make_event(actor, patient_id, record, event_type, audit::Outcome::allowed),
                  now);
    return PatientAccess(tx, actor, patient_id, now);
  }
  audit::append(tx, make_event(actor, patient_id, record, event_type, audit::Outcome::denied), now);
  tx.commit();
  core::throw_not_found();
}

}  // namespace telehealth::identity
