#pragma once

#include <exception>
#include <optional>
#include <string>

#include "audit/sink.hpp"
#include "db/transaction.hpp"
#include "http/context.hpp"
#include "http/response.hpp"
#include "http/services.hpp"
#include "identity/policy.hpp"

// The one way a route handler reaches a patient's records: decide, audit,
// then work in the same transaction.

namespace telehealth::http {

enum class AccessKind { read, write };

/// Decides access to the patient named by the route's `{patient_id}`, then
/// runs `work(access)` with the proof in the same transaction and commits.
/// Every outcome is audited. authorize_patient audits a denial (404 to the
/// client), and success commits its event with the change. A failure after
/// an allowed decision (bad input, say) gets a "failed" event of its own,
/// because the allowed event rolls back with the request's transaction.
///
/// A read's event goes to the group-commit writer, and the connection keeps
/// the response until the event is durable. A write's event commits with
/// the write.
template <typename Work>
Response with_patient_access(Services& services, Context& context, AccessKind kind,
                             const identity::RecordRef& record, const std::string& event_type,
                             Work work) {
  auto lease = services.pool.acquire();
  const auto& patient_id = context.param("patient_id");
  audit::TransactionSink in_transaction;
  std::optional<audit::GroupCommitSink> group_commit;
  if (kind == AccessKind::read && services.audit_writer != nullptr) {
    group_commit.emplace(*services.audit_writer, context.audit_tickets);
  }
  audit::Sink& sink = group_commit ? static_cast<audit::Sink&>(*group_commit) : in_transaction;
  std::exception_ptr failure;
  {
    db::Transaction tx(*lease);
    const auto access = identity::authorize_patient(tx, sink, context.signed_in(), patient_id,
                                                    record, event_type, context.now);
    try {
      Response response = work(access);
      tx.commit();
      return response;
    } catch (...) {
      failure = std::current_exception();
    }
  }
  identity::record_failed_access(*lease, context.signed_in(), patient_id, record, event_type,
                                 context.now);
  std::rethrow_exception(failure);
}

}  // namespace telehealth::http
