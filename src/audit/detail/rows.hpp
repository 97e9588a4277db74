#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "audit/event.hpp"
#include "core/time.hpp"
#include "db/transaction.hpp"

// Shared by audit::append (one event in the caller's transaction) and the
// group-commit writer (a batch in its own transaction).
namespace telehealth::audit::detail {

/// The last event of a chain: seq 0 and 32 zero bytes for an empty chain.
struct Head {
  std::int64_t seq = 0;
  std::string hash = std::string(32, '\0');
};

/// Takes the chain's advisory lock in `tx` and reads its head. The lock is
/// held until `tx` ends, so no other appender can link after the same head.
Head lock_head(db::Transaction& tx, const std::string& chain);

/// Links `event` after `head` and moves `head` on to it.
StoredEvent link(Head& head, const std::string& chain, const Event& event,
                 core::Seconds occurred_at);

/// Inserts `rows` with one statement.
void insert(db::Transaction& tx, const std::vector<StoredEvent>& rows);

}  // namespace telehealth::audit::detail
