#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "audit/event.hpp"
#include "core/time.hpp"
#include "db/transaction.hpp"

namespace telehealth::audit {

/// Appends `event` to the hash chain inside `tx`. The row commits or rolls
/// back with the change it records, so a write is never without its event.
/// Takes a transaction-scoped advisory lock to keep the chain strictly
/// ordered; concurrent PHI transactions therefore serialise on it.
/// Throws (and so fails the request) if the row cannot be written.
std::int64_t append(db::Transaction& tx, const Event& event, core::Seconds now);

/// SHA-256(prev_hash || canonical encoding of the stored fields). The encoding
/// length-prefixes every field so that no two different rows share one.
std::string chain_hash(const StoredEvent& stored);

struct VerifyReport {
  std::int64_t events_checked = 0;
  /// The first event whose hash, link or sequence number is wrong: the one
  /// that was changed, or the first one after a removal or a reordering.
  std::optional<std::int64_t> first_bad_seq;
  std::string problem;
};

/// Recomputes the whole chain in sequence order, streaming the rows.
VerifyReport verify(db::Connection& connection);

}  // namespace telehealth::audit
