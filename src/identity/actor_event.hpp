#pragma once

#include <string>

#include "audit/event.hpp"
#include "identity/actor.hpp"

namespace telehealth::identity {

/// An audit event of `event_type` by `actor`, with the request facts filled
/// in; the caller adds the patient and record it concerns.
inline audit::Event actor_event(const Actor& actor, std::string event_type,
                                audit::Outcome outcome) {
  audit::Event event;
  event.event_type = std::move(event_type);
  event.actor_id = actor.user_id;
  event.actor_role = to_string(actor.role);
  event.outcome = outcome;
  event.client_ip = actor.client_ip;
  event.user_agent = actor.user_agent;
  event.request_id = actor.request_id;
  return event;
}

}  // namespace telehealth::identity
