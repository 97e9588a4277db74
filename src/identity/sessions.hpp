#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "db/connection.hpp"
#include "identity/users.hpp"

namespace telehealth::identity {

/// Automatic logoff (HIPAA 164.312(a)(2)(iii)): a session ends after
/// `idle_timeout` without a request, and in any case `absolute_lifetime`
/// after sign-in.
struct SessionPolicy {
  std::chrono::seconds idle_timeout{15 * 60};
  std::chrono::seconds absolute_lifetime{12 * 60 * 60};
};

struct Session {
  std::string token_hash;  // raw SHA-256 of the cookie token
  User user;
  bool mfa_done = false;
};

/// What the web app must show next after sign-in (docs/api.md).
enum class MfaState { not_required, enrol, verify, done };
const char* to_string(MfaState state) noexcept;
MfaState mfa_state(const Session& session) noexcept;

/// Creates a session and returns its 256-bit random token (base64url). Only
/// the token's SHA-256 is stored.
std::string start_session(db::Connection& connection, const std::string& user_id,
                          core::Seconds now, const SessionPolicy& policy);

/// Looks the token up; returns nullopt when it is unknown, expired (idle or
/// absolute), or its user is deactivated. Refreshes the idle timer.
std::optional<Session> resume_session(db::Connection& connection, std::string_view token,
                                      core::Seconds now, const SessionPolicy& policy);

void end_session(db::Connection& connection, std::string_view token);

/// SHA-256 of a session token, as stored in sessions.token_hash.
std::string hash_token(std::string_view token);

}  // namespace telehealth::identity
