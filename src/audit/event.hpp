#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace telehealth::audit {

enum class Outcome { allowed, denied, failed };

const char* to_string(Outcome outcome) noexcept;

/// The `result_ids` of a search: the ids in the order returned, joined by
/// commas; "" when it returned nothing.
std::string id_list(const std::vector<std::string>& ids);

/// One audit event: who did what to which patient's record, when, from where,
/// and whether it was allowed. Ids only; no names or clinical text.
struct Event {
  std::string event_type;                 // e.g. "records.read", "auth.login"
  std::optional<std::string> actor_id;    // nullopt for anonymous callers
  std::optional<std::string> actor_role;
  std::optional<std::string> patient_id;
  std::optional<std::string> record_type;  // e.g. "encounter", "prescription"
  std::optional<std::string> record_id;
  Outcome outcome = Outcome::allowed;
  std::string client_ip;
  std::string user_agent;
  std::string request_id;
  /// The break-glass episode this access happened in, so that a reviewer can
  /// find every event of the episode. Initialised here so that the many
  /// aggregate initialisations written before it existed still compile.
  std::optional<std::string> break_glass_id = std::nullopt;
  /// For a search: the ids it returned, comma-separated in the order returned.
  std::optional<std::string> result_ids = std::nullopt;
};

/// An event as stored, with its place in the hash chain.
struct StoredEvent {
  std::string chain;         // the writer's chain (audit.chain); not hashed
  std::int64_t seq = 0;      // 1, 2, 3, ... within the chain
  std::string id;
  core::Seconds occurred_at;
  Event event;
  std::string outcome_text;  // as stored, so verify hashes what is there
  std::string prev_hash;     // raw 32 bytes
  std::string hash;          // raw 32 bytes
};

}  // namespace telehealth::audit
