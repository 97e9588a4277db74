#pragma once

#include <optional>
#include <string>

#include "audit/chain.hpp"
#include "identity/actor_event.hpp"

namespace telehealth::admin {

/// Appends an "admin.*" audit event about `record_type` `record_id` (the
/// target user's id for user administration) to `tx`.
inline void audit_admin(db::Transaction& tx, const identity::Actor& admin,
                        const std::string& event_type, const std::string& record_type,
                        const std::optional<std::string>& record_id, audit::Outcome outcome,
                        core::Seconds now) {
  auto event = identity::actor_event(admin, event_type, outcome);
  event.record_type = record_type;
  event.record_id = record_id;
  audit::append(tx, event, now);
}

}  // namespace telehealth::admin
