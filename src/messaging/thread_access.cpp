#include "messaging/thread_access.hpp"

#include "core/error.hpp"
#include "identity/actor_event.hpp"

namespace telehealth::messaging {

namespace {

bool may_use(db::Transaction& tx, const identity::Actor& actor, const ThreadParties& parties) {
  switch (actor.role) {
    case identity::Role::patient: return actor.user_id == parties.patient_id;
    case identity::Role::clinician:
      return actor.user_id == parties.clinician_id &&
             identity::has_treating_relationship(tx, parties.clinician_id, parties.patient_id);
    case identity::Role::admin:
    case identity::Role::auditor: return false;
  }
  return false;
}

}  // namespace

const std::string& ThreadAccess::other_party() const noexcept {
  return actor().user_id == parties_.patient_id ? parties_.clinician_id : parties_.patient_id;
}

std::optional<ThreadParties> find_thread_parties(db::Transaction& tx,
                                                 const std::string& thread_id) {
  const auto rows = tx.exec(
      "SELECT patient_id, clinician_id FROM message_threads WHERE id = $1", {thread_id});
  if (rows.empty()) return std::nullopt;
  return ThreadParties{thread_id, std::string(rows.text(0, 0)), std::string(rows.text(0, 1))};
}

ThreadAccess authorize_thread(db::Transaction& tx, audit::Sink& sink, const identity::Actor& actor,
                              const std::string& thread_id, const identity::RecordRef& record,
                              const std::string& event_type, core::Seconds now) {
  const auto parties = find_thread_parties(tx, thread_id);
  if (!parties || !may_use(tx, actor, *parties)) {
    auto event = identity::actor_event(actor, event_type, audit::Outcome::denied);
    if (parties) event.patient_id = parties->patient_id;
    event.record_type = record.type;
    event.record_id = record.id;
    sink.record(tx, event, now);
    tx.commit();
    core::throw_not_found();
  }
  auto access = identity::authorize_patient(tx, sink, actor, parties->patient_id, record,
                                            event_type, now);
  return ThreadAccess(std::move(access), *parties);
}

}  // namespace telehealth::messaging
