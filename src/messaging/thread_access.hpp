#pragma once

#include <optional>
#include <string>

#include "audit/sink.hpp"
#include "core/time.hpp"
#include "db/transaction.hpp"
#include "identity/actor.hpp"
#include "identity/policy.hpp"

namespace telehealth::messaging {

/// The two parties of a thread.
struct ThreadParties {
  std::string thread_id;
  std::string patient_id;
  std::string clinician_id;
};

/// Proof that `actor` is a party to the thread, that the access policy
/// allowed the access to the thread's patient, and that its audit event is
/// recorded. Only authorize_thread makes one, so every function that reads
/// or writes a thread's messages takes one and cannot skip the audit.
class ThreadAccess {
 public:
  const identity::PatientAccess& patient_access() const noexcept { return access_; }
  const ThreadParties& parties() const noexcept { return parties_; }
  const std::string& thread_id() const noexcept { return parties_.thread_id; }
  const identity::Actor& actor() const noexcept { return access_.actor(); }
  db::Transaction& tx() const noexcept { return access_.tx(); }
  core::Seconds now() const noexcept { return access_.now(); }
  /// The user id of the party who is not the actor.
  const std::string& other_party() const noexcept;

 private:
  friend ThreadAccess authorize_thread(db::Transaction&, audit::Sink&, const identity::Actor&,
                                       const std::string&, const identity::RecordRef&,
                                       const std::string&, core::Seconds);
  ThreadAccess(identity::PatientAccess access, ThreadParties parties)
      : access_(std::move(access)), parties_(std::move(parties)) {}

  identity::PatientAccess access_;
  ThreadParties parties_;
};

/// Decides whether `actor` may use thread `thread_id`: only its patient, and
/// its clinician while that clinician treats the patient (a clinician who
/// left the patient's care team, or who reaches the patient only through
/// break-glass, is refused). An allowed party then passes through
/// identity::authorize_patient, which records the allowed event `event_type`
/// about `record` through `sink`.
///
/// An unknown thread, or a caller who is not an allowed party, gets a denied
/// event naming the thread's patient (when the thread exists) and `record`;
/// `tx` is committed so a TransactionSink's denial is durable, and
/// not_found (404) is thrown, the same for a thread that does not exist.
ThreadAccess authorize_thread(db::Transaction& tx, audit::Sink& sink, const identity::Actor& actor,
                              const std::string& thread_id, const identity::RecordRef& record,
                              const std::string& event_type, core::Seconds now);

/// The parties of thread `thread_id`, or nullopt when there is no such
/// thread. Ids only, no PHI: for the audit of a failed access.
std::optional<ThreadParties> find_thread_parties(db::Transaction& tx, const std::string& thread_id);

}  // namespace telehealth::messaging
