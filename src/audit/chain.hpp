#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "audit/event.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "db/transaction.hpp"

namespace telehealth::audit {

/// Names the chain this process appends to (config `audit.chain`, default
/// "main"). Call once at start-up, before any thread appends.
void set_chain(std::string name);
const std::string& chain_name() noexcept;

/// Appends `event` to this process's hash chain inside `tx`. The row commits or rolls
/// back with the change it records, so a write is never without its event.
/// Takes the chain's transaction-scoped advisory lock (see chain_lock_sql) to
/// keep it strictly ordered; concurrent appenders to one chain serialise on it.
/// Throws (and so fails the request) if the row cannot be written.
std::int64_t append(db::Transaction& tx, const Event& event, core::Seconds now);

/// The 503 a request gets when its audit event cannot be made durable.
/// `detail` goes to the log only.
core::Error unavailable_error(std::string detail);

/// SHA-256(prev_hash || canonical encoding of the stored fields). The encoding
/// length-prefixes every field so that no two different rows share one.
std::string chain_hash(const StoredEvent& stored);

/// SQL that takes the transaction-scoped advisory lock of the chain named by
/// parameter $1. Every appender to a chain keeps it from reading the head to
/// commit. One bigint key, so it never meets the bookings' two-key locks.
inline constexpr const char* kChainLockSql =
    "SELECT pg_advisory_xact_lock(hashtextextended('telehealth audit chain ' || $1, 0))";

struct VerifyReport {
  std::int64_t events_checked = 0;
  /// The first event whose hash, link or sequence number is wrong: the one
  /// that was changed, or the first one after a removal or a reordering.
  std::optional<std::int64_t> first_bad_seq;
  std::string problem;
};

/// Recomputes every chain's hashes and links in sequence order, streaming
/// the rows; no tree or checkpoints. A quick check for tests and tools that
/// hold only a connection; `telehealth audit verify` uses verify_log
/// (audit/log_verifier.hpp), which also checks the signed checkpoints.
VerifyReport verify(db::Connection& connection);

}  // namespace telehealth::audit
