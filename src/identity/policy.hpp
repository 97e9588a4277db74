#pragma once

#include <optional>
#include <string>

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
  friend PatientAccess authorize_patient(db::Transaction&, const Actor&, const std::string&,
                                         const RecordRef&, const std::string&, core::Seconds);
  PatientAccess(db::Transaction& tx, Actor actor, std::string patient_id, core::Seconds now)
      : tx_(tx), actor_(std::move(actor)), patient_id_(std::move(patient_id)), now_(now) {}

  db::Transaction& tx_;
  Actor actor_;
  std::string patient_id_;
  core::Seconds now_;
};

/// Decides whether `actor` may access `patient_id`'s records, deny by default:
/// a patient only their own; a clinician only patients with a booked (upcoming
/// or past) appointment with them; admins and auditors never clinical content.
///
/// Must be the first statement in `tx`. Allowed: appends the audit event
/// `event_type` to `tx` and returns the proof; the caller commits it with its
/// work. Denied: appends a denied event, commits `tx` so the denial is durable,
/// and throws not_found (404), so a caller cannot tell a record it may not see
/// from one that does not exist.
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

/// True when `clinician_id` has a booked appointment (any time) with `patient_id`.
bool has_treating_relationship(db::Transaction& tx, const std::string& clinician_id,
                               const std::string& patient_id);

}  // namespace telehealth::identity
