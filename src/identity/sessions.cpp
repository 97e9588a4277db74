#include "identity/sessions.hpp"

#include "core/error.hpp"
#include "crypto/encoding.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"

namespace telehealth::identity {

namespace {

// 32 bytes = 256 bits of entropy (OWASP ASVS 3.2.2 requires at least 128).
constexpr std::size_t kTokenBytes = 32;

db::Param hash_param(const std::string& raw_hash) {
  return db::bytea_param(std::vector<std::uint8_t>(raw_hash.begin(), raw_hash.end()));
}

}  // namespace

const char* to_string(MfaState state) noexcept {
  switch (state) {
    case MfaState::not_required: return "not_required";
    case MfaState::enrol: return "enrol";
    case MfaState::verify: return "verify";
    case MfaState::done: return "done";
  }
  return "enrol";
}

bool has_second_factor(const User& user) noexcept {
  return user.totp_enabled || user.has_passkey;
}

MfaState mfa_state(const Session& session) noexcept {
  // A patient may choose a second factor; once enrolled it is asked for too.
  const bool enrolled = has_second_factor(session.user);
  if (!requires_mfa(session.user.role) && !enrolled) return MfaState::not_required;
  if (session.mfa_done) return MfaState::done;
  // Any enrolled factor (TOTP or a passkey) must be used: a user with a
  // passkey is never offered TOTP enrolment on the strength of a password.
  return enrolled ? MfaState::verify : MfaState::enrol;
}

std::string hash_token(std::string_view token) {
  const auto digest = crypto::sha256(crypto::as_byte_view(token));
  return {digest.begin(), digest.end()};
}

std::string csrf_token(std::string_view session_token) {
  // A fixed label as the message, the session token as the key: the value is
  // a pseudorandom function of the token and cannot be inverted to it.
  constexpr std::string_view kLabel = "telehealth csrf token v1";
  const auto tag =
      crypto::hmac_sha256(crypto::as_byte_view(session_token), crypto::as_byte_view(kLabel));
  return crypto::base64url_encode(crypto::ByteView(tag.data(), tag.size()));
}

bool csrf_token_matches(std::string_view session_token, std::string_view presented) {
  if (session_token.empty() || presented.empty()) return false;
  const std::string expected = csrf_token(session_token);
  return crypto::constant_time_equal(crypto::as_byte_view(expected),
                                     crypto::as_byte_view(presented));
}

std::string start_session(db::Connection& connection, const std::string& user_id,
                          core::Seconds now, const SessionPolicy& policy,
                          const SessionClient& client) {
  const std::string token = crypto::random_token(kTokenBytes);
  connection.exec(
      "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at,"
      " client_ip, user_agent) VALUES ($1, $2, $3, $3, $4, $5, $6)",
      {hash_param(hash_token(token)), user_id, core::format_rfc3339(now),
       core::format_rfc3339(now + policy.absolute_lifetime), client.client_ip,
       client.user_agent});
  return token;
}

std::string rotate_session(db::Connection& connection, std::string_view token) {
  const std::string fresh = crypto::random_token(kTokenBytes);
  const auto rows = connection.exec(
      "UPDATE sessions SET token_hash = $2 WHERE token_hash = $1 RETURNING id",
      {hash_param(hash_token(token)), hash_param(hash_token(fresh))});
  if (rows.empty()) {
    throw core::Error(core::ErrorKind::unauthenticated,
                      "your session has ended; sign in again");
  }
  return fresh;
}

std::vector<SessionSummary> list_sessions(db::Connection& connection, const std::string& user_id,
                                          const std::string& current_hash, core::Seconds now,
                                          const SessionPolicy& policy) {
  const auto rows = connection.exec(
      "SELECT id, coalesce(client_ip, ''), coalesce(user_agent, ''), created_at,"
      " last_seen_at, token_hash = $2 FROM sessions"
      " WHERE user_id = $1 AND expires_at > $3 AND last_seen_at > $4"
      " ORDER BY created_at DESC, id",
      {user_id, hash_param(current_hash), core::format_rfc3339(now),
       core::format_rfc3339(now - policy.idle_timeout)});
  std::vector<SessionSummary> sessions;
  for (int row = 0; row < rows.rows(); ++row) {
    sessions.push_back({std::string(rows.text(row, 0)), std::string(rows.text(row, 1)),
                        std::string(rows.text(row, 2)), rows.timestamp(row, 3),
                        rows.timestamp(row, 4), rows.boolean(row, 5)});
  }
  return sessions;
}

std::optional<std::string> end_session_by_id(db::Connection& connection,
                                             const std::string& user_id,
                                             const std::string& session_id) {
  const auto rows = connection.exec(
      "DELETE FROM sessions WHERE id = $1 AND user_id = $2 RETURNING token_hash",
      {session_id, user_id});
  if (rows.empty()) return std::nullopt;
  const auto hash = rows.bytes(0, 0);
  return std::string(hash.begin(), hash.end());
}

std::optional<Session> resume_session(db::Connection& connection, std::string_view token,
                                      core::Seconds now, const SessionPolicy& policy) {
  if (token.empty()) return std::nullopt;
  const std::string token_hash = hash_token(token);
  // last_seen_at is written only when it is older than a sixtieth of the
  // idle timeout (15 s of 15 min), so most requests write nothing and cost
  // no commit. An idle session may therefore end up to that much early.
  const auto touch_before = now - policy.idle_timeout / 60;
  const auto rows = connection.exec(
      std::string("WITH found AS (SELECT s.id, s.mfa_done, s.last_seen_at, u.") +
          "id AS user_id, u.email, u.display_name, u.role, u.totp_enabled, u.active,"
          " u.has_passkey FROM sessions s JOIN users u ON u.id = s.user_id"
          " WHERE s.token_hash = $1 AND u.active AND s.expires_at > $2"
          " AND s.last_seen_at > $3),"
          " touched AS (UPDATE sessions SET last_seen_at = $2"
          " WHERE id IN (SELECT id FROM found WHERE last_seen_at < $4))"
          " SELECT id, mfa_done, user_id, email, display_name, role, totp_enabled, active,"
          " has_passkey FROM found",
      {hash_param(token_hash), core::format_rfc3339(now),
       core::format_rfc3339(now - policy.idle_timeout), core::format_rfc3339(touch_before)});
  if (rows.empty()) {
    // Expired or unknown: remove it so an idle session cannot be revived.
    connection.exec("DELETE FROM sessions WHERE token_hash = $1", {hash_param(token_hash)});
    return std::nullopt;
  }
  Session session;
  session.id = std::string(rows.text(0, 0));
  session.token_hash = token_hash;
  session.mfa_done = rows.boolean(0, 1);
  session.user = read_user(rows, 0, 2);
  return session;
}

void end_session(db::Connection& connection, std::string_view token) {
  connection.exec("DELETE FROM sessions WHERE token_hash = $1", {hash_param(hash_token(token))});
}

}  // namespace telehealth::identity
