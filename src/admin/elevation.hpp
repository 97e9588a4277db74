#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/time.hpp"
#include "db/connection.hpp"
#include "identity/actor.hpp"
#include "identity/sessions.hpp"

namespace telehealth::crypto {
class Keyring;
}

namespace telehealth::admin {

// Elevated admin sessions: an admin function runs only inside an elevation
// that a fresh TOTP code opened and that lasts a limited time, so a session
// left open on a shared computer cannot change accounts (HIPAA
// 164.308(a)(4) access management, 164.312(d) authentication).

struct Elevation {
  std::string token;  // the new session token, for the cookie only; never logged
  core::Seconds elevated_until;
};

/// Checks `code` against the admin's TOTP secret (±1 step, a step accepted
/// once, the account's attempt limits). When it matches, the session gets a
/// new token (same id and absolute expiry) and is elevated until now +
/// `lifetime`, but never past the session's own expiry. Audited
/// as "admin.elevate", allowed or denied. Throws invalid_field "code" for a
/// wrong code and too_many_attempts while the account is throttled.
Elevation elevate(db::Connection& connection, const crypto::Keyring& keyring,
                  const identity::Session& session, const std::string& code,
                  const identity::Actor& admin, core::Seconds now, std::chrono::seconds lifetime);

/// The end of the session's elevation, or nullopt when it is not elevated now.
std::optional<core::Seconds> elevated_until(db::Connection& connection,
                                            const std::string& token_hash, core::Seconds now);

/// Throws elevation_required (403) unless the session is elevated now.
void require_elevation(db::Connection& connection, const std::string& token_hash,
                       core::Seconds now);

/// Ends the session's elevation early; audited as "admin.elevate_end".
void end_elevation(db::Connection& connection, const std::string& token_hash,
                   const identity::Actor& admin, core::Seconds now);

}  // namespace telehealth::admin
