#pragma once

#include <string>

#include "core/time.hpp"

namespace telehealth::video {

/// A TURN credential in coturn's REST API form ("use-auth-secret" in
/// turnserver.conf; draft-uberti-behave-turn-rest-00): the username is
/// "<expiry unix seconds>:<user id>" and the password is the base64
/// HMAC-SHA1 of the username under the shared secret. coturn rejects it
/// after the expiry, so it dies with the appointment window.
struct TurnCredential {
  std::string username;
  std::string password;
  core::Seconds expires_at;
};

TurnCredential issue_turn_credential(const std::string& shared_secret, const std::string& user_id,
                                     core::Seconds expires_at);

}  // namespace telehealth::video
