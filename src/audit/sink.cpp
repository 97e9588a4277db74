#include "audit/sink.hpp"

#include "audit/chain.hpp"

namespace telehealth::audit {

void TransactionSink::record(db::Transaction& tx, const Event& event, core::Seconds now) {
  append(tx, event, now);
}

void GroupCommitSink::record(db::Transaction&, const Event& event, core::Seconds now) {
  auto ticket = writer_.submit(event, now);
  // Events of one request usually share a batch; one wait covers them.
  if (tickets_.empty() || tickets_.back() != ticket) tickets_.push_back(std::move(ticket));
}

}  // namespace telehealth::audit
