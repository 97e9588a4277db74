#pragma once

#include <optional>
#include <string>

#include "audit/sink.hpp"
#include "core/time.hpp"
#include "db/transaction.hpp"
#include "identity/actor.hpp"

namespace telehealth::identity {

/// The record an access concerns, as named in the audit event.
struct RecordRef {
  std::string type;                      // "records", "encounter", "prescription", ...
  std::optional<std::string> id;         // nullopt for a whole record set
};

/// Proof that the access policy allowed `actor` to touch `patient_id`'s
/// records and that the audit event for it is written in `tx`. Only
/// `authorize_patient` can make one, so code that reads or writes PHI and
/// takes a PatientAccess cannot be called without an audit event: a missing
/// audit call is a compile error.
class PatientAccess {
 public:
  const Actor& actor() const noexcept { return actor_; }
  const std::string& patient_id() const noexcept { return patient_id_; }
  db::Transaction& tx() const noexcept { return tx_; }
  core::Seconds now() const noexcept { return now_; }

 private:
  friend PatientAccess authorize_patient(db::Transaction&, audit::Sink&, const Actor&,
                                         const std::string&, const RecordRef&,
                                         const std::string&, core::Seconds);
  PatientAccess(db::Transaction& tx, Actor actor, std::string patient_id, core::Seconds now)
      : tx_(tx), actor_(std::move(actor)), patient_id_(std::move(patient_id)), now_(now) {}

  db::Transaction& tx_;
  Actor actor_;
  std::string patient_id_;
  core::Seconds now_;
};

/// The facts one access decision rests on, read from the database by
/// authorize_patient.
struct AccessFacts {
  Role role = Role::patient;
  bool is_own_record = false;   // the actor is the patient
  bool treating = false;        // a booked appointment between clinician and patient
  bool break_glass = false;     // an active break-glass episode of this clinician for this patient
};

enum class Decision {
  deny,
  allow,
  allow_break_glass,  // allowed only by an emergency-access episode; audited with its id
};

/// The access policy as a pure function, deny by default: a patient only
/// their own record; a clinician patients they treat, and otherwise only a
/// patient of an active break-glass episode; admins and auditors never
/// clinical content.
Decision decide(const AccessFacts& facts) noexcept;

/// Decides whether `actor` may access `patient_id`'s records with `decide`.
/// An access allowed by break-glass carries the episode id in its audit event.
///
/// Must be the first statement in `tx`. Allowed: records the audit event
/// `event_type` through `sink` and returns the proof; the caller commits `tx`
/// with its work (and, for a GroupCommitSink, waits for the tickets before
/// responding). Denied: records a denied event, commits `tx` so that a
/// TransactionSink's denial is durable, and throws not_found (404), so a
/// caller cannot tell a record it may not see from one that does not exist.
PatientAccess authorize_patient(db::Transaction& tx, audit::Sink& sink, const Actor& actor,
                                const std::string& patient_id, const RecordRef& record,
                                const std::string& event_type, core::Seconds now);

/// The same with the event appended in `tx` (audit::TransactionSink): for
/// writes, whose event must commit with the change.
PatientAccess authorize_patient(db::Transaction& tx, const Actor& actor,
                                const std::string& patient_id, const RecordRef& record,
                                const std::string& event_type, core::Seconds now);

/// Appends a "failed" event for an access that the policy allowed but whose
/// work then failed (invalid input, an unknown appointment). It runs in its
/// own transaction on `connection`, after the request's transaction, and the
/// allowed event in it, rolled back.
void record_failed_access(db::Connection& connection, const Actor& actor,
                          const std::string& patient_id, const RecordRef& record,
                          const std::string& event_type, core::Seconds now);

/// True when a booked appointment links the pair and no later care-team departure ended it.
bool has_treating_relationship(db::Transaction& tx, const std::string& clinician_id,
                               const std::string& patient_id);

}  // namespace telehealth::identity
