#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  std::string id;          // public id, for the user's session list
  std::string token_hash;  // raw SHA-256 of the cookie token
  User user;
  bool mfa_done = false;
};

/// What the web app must show next after sign-in (docs/api.md).
enum class MfaState { not_required, enrol, verify, done };
const char* to_string(MfaState state) noexcept;
MfaState mfa_state(const Session& session) noexcept;

/// True when the user has enrolled TOTP or registered a passkey.
bool has_second_factor(const User& user) noexcept;

/// The client a session was started from, shown in the user's session list.
struct SessionClient {
  std::string client_ip;
  std::string user_agent;
};

/// Creates a session and returns its 256-bit random token (base64url). Only
/// the token's SHA-256 is stored.
std::string start_session(db::Connection& connection, const std::string& user_id,
                          core::Seconds now, const SessionPolicy& policy,
                          const SessionClient& client = {});

/// Gives the session of `token` a new token and returns it; its id, state
/// and lifetime stay. Called when the session gains privilege (MFA
/// completed), so a token seen before that point is worth nothing after it.
/// Throws unauthenticated when the session no longer exists.
std::string rotate_session(db::Connection& connection, std::string_view token);

/// One row of a user's session list.
struct SessionSummary {
  std::string id;
  std::string client_ip;
  std::string user_agent;
  core::Seconds created_at;
  core::Seconds last_seen_at;
  bool current = false;
};

/// The user's sessions that have not expired, newest first; `current_hash`
/// marks the caller's own.
std::vector<SessionSummary> list_sessions(db::Connection& connection, const std::string& user_id,
                                          const std::string& current_hash, core::Seconds now,
                                          const SessionPolicy& policy);

/// Ends the user's session `session_id`; returns its token hash (for closing
/// the WebSockets it opened), or nullopt when the user has no such session.
std::optional<std::string> end_session_by_id(db::Connection& connection,
                                             const std::string& user_id,
                                             const std::string& session_id);

/// Looks the token up; returns nullopt when it is unknown, expired (idle or
/// absolute), or its user is deactivated. Refreshes the idle timer.
std::optional<Session> resume_session(db::Connection& connection, std::string_view token,
                                      core::Seconds now, const SessionPolicy& policy);

void end_session(db::Connection& connection, std::string_view token);

/// SHA-256 of a session token, as stored in sessions.token_hash.
std::string hash_token(std::string_view token);

/// The session's CSRF token (base64url of HMAC-SHA256 keyed by the session
/// token). The web app reads it from the session JSON and sends it in the
/// X-CSRF-Token header of every state-changing request. A cross-site page
/// cannot read it, and it reveals nothing about the HttpOnly session token.
/// It changes whenever the session token does.
std::string csrf_token(std::string_view session_token);

/// Compares a CSRF header value with the session's token in constant time.
bool csrf_token_matches(std::string_view session_token, std::string_view presented);

}  // namespace telehealth::identity
