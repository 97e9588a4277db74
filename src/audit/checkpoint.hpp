#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "audit/merkle.hpp"
#include "audit/settings.hpp"
#include "audit/writer.hpp"
#include "core/time.hpp"
#include "crypto/keyring.hpp"
#include "db/connection.hpp"

// Signed checkpoints: the tree head of one chain's Merkle tree (merkle.hpp),
// signed with the keyring's Ed25519 audit key (RFC 8032). The signature
// covers exactly these bytes, UTF-8, each line ending in "\n":
//
//   telehealth-audit-checkpoint/v1
//   chain=<chain name, [a-z0-9][a-z0-9_-]{0,62}>
//   tree_size=<decimal, no leading zeros>
//   root_hash=<64 lowercase hex digits>
//   signed_at=<RFC 3339 UTC with whole seconds, e.g. 2026-12-05T01:02:03Z>
//   key_id=<16 lowercase hex digits>
//
// No value can contain a newline, so the message parses one way only. The
// key id is the first 8 bytes of SHA-256 over the raw 32-byte public key.

namespace telehealth::audit {

struct Checkpoint {
  std::string chain;
  std::int64_t tree_size = 0;
  merkle::Hash root_hash{};
  core::Seconds signed_at;
  std::string key_id;
  crypto::Ed25519Signature signature{};
};

/// Reads a checkpoint from a row whose first five columns are tree_size,
/// root_hash, signed_at, key_id and signature; throws for a malformed one.
Checkpoint read_checkpoint_row(const db::Result& rows, int row, const std::string& chain);

/// The exact bytes that the signature covers (see above).
std::string checkpoint_message(const Checkpoint& checkpoint);

/// The key id of `public_key`: 16 hex digits of SHA-256(public key).
std::string key_id_of(const crypto::Ed25519PublicKey& public_key);

/// Checks the signature with the public key alone (OpenSSL's Ed25519, so the
/// check does not share code with libsodium, which signs).
bool signature_valid(const Checkpoint& checkpoint, const crypto::Ed25519PublicKey& public_key);

/// One line of the checkpoint file: {"chain", "tree_size", "root_hash" (hex),
/// "signed_at" (RFC 3339), "key_id", "signature" (base64)}.
nlohmann::json to_json(const Checkpoint& checkpoint);
/// Reads one line written by to_json; nullopt with `error` set otherwise.
std::optional<Checkpoint> checkpoint_from_json(const nlohmann::json& line, std::string& error);

/// Formats the public key as PEM "PUBLIC KEY" (SubjectPublicKeyInfo of RFC
/// 8410), which OpenSSL, Python's cryptography and most tools read.
std::string public_key_pem(const crypto::Ed25519PublicKey& public_key);
/// Reads a key written by public_key_pem; nullopt for anything else.
std::optional<crypto::Ed25519PublicKey> parse_public_key_pem(std::string_view text);

/// Appends one JSON line to `file` with O_APPEND and fsyncs it; creates the
/// file with mode 0600 if it is missing. Throws std::runtime_error naming
/// the file on failure.
void append_checkpoint_line(const std::filesystem::path& file, const Checkpoint& checkpoint);

/// Writes a checkpoint of `chain` over every event committed so far. It reads
/// only the events after the last checkpoint (resuming its stored frontier)
/// and checks their hashes and links. Then it signs, inserts into
/// audit_checkpoints and appends to `file` unless `file` is empty. Returns nullopt when no event
/// was added since the last checkpoint. Throws std::runtime_error naming the
/// chain and seq if a new event fails its check, and then signs nothing.
std::optional<Checkpoint> write_checkpoint(db::Connection& connection,
                                           const crypto::Keyring& keyring,
                                           const std::string& chain,
                                           const std::filesystem::path& file, core::Seconds now);

/// Writes a checkpoint after `settings.checkpoint_events` new events, or
/// after `settings.checkpoint_interval` when at least one new event waits.
/// Runs on the group-commit writer's thread. on_commit and on_idle log their
/// errors instead of throwing them, so a failed checkpoint never stops the
/// audit writer.
class Checkpointer final : public CommitListener {
 public:
  /// Creates `settings.checkpoint_file`, empty, if it does not exist; throws
  /// naming it if it cannot.
  Checkpointer(const crypto::Keyring& keyring, Settings settings);

  void on_commit(db::Connection& connection, std::int64_t chain_size, core::Seconds now) override;
  void on_idle(db::Connection& connection, core::Seconds now) override;

 private:
  void load_last(db::Connection& connection, core::Seconds now);
  void checkpoint(db::Connection& connection, core::Seconds now);

  const crypto::Keyring& keyring_;
  Settings settings_;
  bool loaded_ = false;
  std::int64_t last_size_ = 0;
  core::Seconds last_time_{};
  core::Seconds last_failure_{};
};

}  // namespace telehealth::audit
