#include "identity/policy.hpp"

#include "audit/chain.hpp"
#include "core/error.hpp"
#include "identity/break_glass.hpp"

namespace telehealth::identity {

namespace {

struct Verdict {
  Decision decision = Decision::deny;
  std::optional<std::string> episode_id;
};

// Reads the facts `decide` needs. The episode is looked up only for a
// clinician who does not treat the patient, so a treating clinician's
// accesses are never flagged.
Verdict judge(db::Transaction& tx, const Actor& actor, const std::string& patient_id,
              core::Seconds now) {
  AccessFacts facts;
  facts.role = actor.role;
  facts.is_own_record = actor.user_id == patient_id;
  std::optional<std::string> episode_id;
  if (actor.role == Role::clinician) {
    facts.treating = has_treating_relationship(tx, actor.user_id, patient_id);
    if (!facts.treating) {
      episode_id = active_break_glass_episode(tx, actor.user_id, patient_id, now);
      facts.break_glass = episode_id.has_value();
    }
  }
  Verdict verdict;
  verdict.decision = decide(facts);
  if (verdict.decision == Decision::allow_break_glass) verdict.episode_id = episode_id;
  return verdict;
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

Decision decide(const AccessFacts& facts) noexcept {
  switch (facts.role) {
    case Role::patient: return facts.is_own_record ? Decision::allow : Decision::deny;
    case Role::clinician:
      if (facts.treating) return Decision::allow;
      return facts.break_glass ? Decision::allow_break_glass : Decision::deny;
    case Role::admin:
    case Role::auditor: return Decision::deny;
  }
  return Decision::deny;
}

void record_failed_access(db::Connection& connection, const Actor& actor,
                          const std::string& patient_id, const RecordRef& record,
                          const std::string& event_type, core::Seconds now) {
  db::Transaction tx(connection);
  auto event = make_event(actor, patient_id, record, event_type, audit::Outcome::failed);
  event.break_glass_id = judge(tx, actor, patient_id, now).episode_id;
  audit::append(tx, event, now);
  tx.commit();
}

// A departure from the patient's care team (care_team_departures, recorded
// by an admin) ends the treating relationship of the appointments booked
// before it. An appointment booked after it makes a new one.
bool has_treating_relationship(db::Transaction& tx, const std::string& clinician_id,
                               const std::string& patient_id) {
  return !tx.exec(
                "SELECT 1 FROM appointments a WHERE a.clinician_id = $1 AND a.patient_id = $2"
                " AND a.status = 'booked' AND NOT EXISTS (SELECT 1 FROM care_team_departures d"
                " WHERE d.clinician_id = a.clinician_id AND d.patient_id = a.patient_id"
                " AND d.departed_at >= a.created_at) LIMIT 1",
                {clinician_id, patient_id})
              .empty();
}

PatientAccess authorize_patient(db::Transaction& tx, audit::Sink& sink, const Actor& actor,
                                const std::string& patient_id, const RecordRef& record,
                                const std::string& event_type, core::Seconds now) {
  const Verdict verdict = judge(tx, actor, patient_id, now);
  if (verdict.decision != Decision::deny) {
    auto event = make_event(actor, patient_id, record, event_type, audit::Outcome::allowed);
    event.break_glass_id = verdict.episode_id;
    sink.record(tx, event, now);
    return PatientAccess(tx, actor, patient_id, now);
  }
  sink.record(tx, make_event(actor, patient_id, record, event_type, audit::Outcome::denied), now);
  tx.commit();
  core::throw_not_found();
}

PatientAccess authorize_patient(db::Transaction& tx, const Actor& actor,
                                const std::string& patient_id, const RecordRef& record,
                                const std::string& event_type, core::Seconds now) {
  audit::TransactionSink sink;
  return authorize_patient(tx, sink, actor, patient_id, record, event_type, now);
}

}  // namespace telehealth::identity
