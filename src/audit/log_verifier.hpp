#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "crypto/keyring.hpp"

namespace telehealth::audit {

/// The inputs of `telehealth audit verify`: the database, key and file.
struct LogVerifyOptions {
  /// libpq DSN of a role that may read audit_events and audit_checkpoints.
  std::string database_url;
  /// The only key that checkpoints are checked with.
  crypto::Ed25519PublicKey public_key{};
  /// A copy of the checkpoint file; empty to check database checkpoints only.
  std::filesystem::path checkpoint_file;
};

struct LogVerifyReport {
  /// Each problem names its chain and the first event (seq) or checkpoint
  /// (tree size) concerned, in the order found; empty when all is intact.
  std::vector<std::string> problems;
  /// One summary line per chain.
  std::vector<std::string> chains;
  std::int64_t events_checked = 0;
  std::int64_t database_checkpoints = 0;
  std::int64_t file_checkpoints = 0;
  /// Wall time of the whole check, and the part spent hashing and comparing
  /// (the rest is PostgreSQL producing the rows and libpq receiving them).
  double total_seconds = 0;
  double hashing_seconds = 0;
};

/// Recomputes every chain (hash, link and seq of each event) and its Merkle
/// tree from the stored events in one REPEATABLE READ snapshot. Checks each
/// checkpoint in the database and in the file: its signature with the public
/// key, its root against the recomputed tree, its tree size against the
/// chain, and each file line against the database's row. Streams the events
/// with a binary COPY. Throws std::runtime_error if the database or the file
/// cannot be read.
LogVerifyReport verify_log(const LogVerifyOptions& options);

/// One event's stored fields as views into a COPY row, without copies.
struct RawEvent {
  std::string_view prev_hash;
  std::int64_t seq = 0;
  std::string_view id;
  std::int64_t occurred_at_unix_micros = 0;
  std::string_view event_type;
  std::optional<std::string_view> actor_id;  // nullopt for SQL NULL
  std::optional<std::string_view> actor_role;
  std::optional<std::string_view> patient_id;
  std::optional<std::string_view> record_type;
  std::optional<std::string_view> record_id;
  std::string_view outcome;
  std::string_view client_ip;
  std::string_view user_agent;
  std::string_view request_id;
  std::optional<std::string_view> break_glass_id;
  std::optional<std::string_view> result_ids;
};

/// Appends the canonical encoding that chain_hash hashes to `out`, without
/// building a StoredEvent. Exposed so that a test can hold the two equal.
void encode_event(const RawEvent& event, std::string& out);

}  // namespace telehealth::audit
