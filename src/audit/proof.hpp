#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "crypto/keyring.hpp"
#include "db/connection.hpp"

namespace telehealth::audit {

/// Builds an inclusion proof (RFC 9162 section 2.1.3) of the event with id
/// `event_id` against a signed checkpoint of its chain: the one at
/// `tree_size`, or else the chain's latest. The JSON contains everything an
/// offline verifier needs:
///
///   {"format": "telehealth-audit-inclusion-proof/v1",
///    "event": {every hashed field as stored, "prev_hash" and "hash" in hex},
///    "leaf_index": seq - 1,
///    "checkpoint": {"chain", "tree_size", "root_hash", "signed_at", "key_id",
///                   "signature" (base64), "public_key" (base64, raw 32 bytes)},
///    "inclusion_path": [hex hashes, leaf to root]}
///
/// Throws std::runtime_error naming what is wrong: an invalid id, an
/// unknown event, an event the checkpoint does not cover, or events that no
/// longer match the checkpoint's root.
nlohmann::json prove_event(db::Connection& connection, const std::string& event_id,
                           std::optional<std::int64_t> tree_size,
                           const crypto::Ed25519PublicKey& public_key);

}  // namespace telehealth::audit
