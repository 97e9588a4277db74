#pragma once

#include <memory>
#include <vector>

#include "audit/event.hpp"
#include "audit/writer.hpp"
#include "core/time.hpp"
#include "db/transaction.hpp"

namespace telehealth::audit {

/// Destination of an access decision's audit event. The access policy records
/// through one of these, so the caller chooses how the event becomes durable.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void record(db::Transaction& tx, const Event& event, core::Seconds now) = 0;
};

/// Appends in the caller's transaction, so the event commits with the change
/// it records: for writes.
class TransactionSink final : public Sink {
 public:
  void record(db::Transaction& tx, const Event& event, core::Seconds now) override;
};

/// Hands the event to the group-commit writer and keeps its ticket: for
/// reads. The caller must not release what it read until every ticket is
/// durable, and must respond 503 instead if one fails.
class GroupCommitSink final : public Sink {
 public:
  GroupCommitSink(Writer& writer, std::vector<std::shared_ptr<Ticket>>& tickets)
      : writer_(writer), tickets_(tickets) {}
  void record(db::Transaction& tx, const Event& event, core::Seconds now) override;

 private:
  Writer& writer_;
  std::vector<std::shared_ptr<Ticket>>& tickets_;
};

}  // namespace telehealth::audit
