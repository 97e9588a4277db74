#include "identity/sessions.hpp"

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

MfaState mfa_state(const Session& session) noexcept {
  if (!requires_mfa(session.user.role)) return MfaState::not_required;
  if (session.mfa_done) return MfaState::done;
  return session.user.totp_enabled ? MfaState::verify : MfaState::enrol;
}

std::string hash_token(std::string_view token) {
  const auto digest = crypto::sha256(crypto::as_byte_view(token));
  return {digest.begin(), digest.end()};
}

std::string start_session(db::Connection& connection, const std::string& user_id,
                          core::Seconds now, const SessionPolicy& policy) {
  const std::string token = crypto::random_token(kTokenBytes);
  connection.exec(
      "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)"
      " VALUES ($1, $2, $3, $3, $4)",
      {hash_param(hash_token(token)), user_id, core::format_rfc3339(now),
       core::format_rfc3339(now + policy.absolute_lifetime)});
  return token;
}

std::optional<Session> resume_session(db::Connection& connection, std::string_view token,
                                      core::Seconds now, const SessionPolicy& policy) {
  if (token.empty()) return std::nullopt;
  const std::string token_hash = hash_token(token);
  const auto rows = connection.exec(
      std::string("UPDATE sessions s SET last_seen_at = $2 FROM users u"
                  " WHERE s.token_hash = $1 AND u.id = s.user_id AND u.active"
                  " AND s.expires_at > $2 AND s.last_seen_at > $3"
                  " RETURNING s.mfa_done, u.") +
          "id, u.email, u.display_name, u.role, u.totp_enabled, u.active",
      {hash_param(token_hash), core::format_rfc3339(now),
       core::format_rfc3339(now - policy.idle_timeout)});
  if (rows.empty()) {
    // Expired or unknown: remove it so an idle session cannot be revived.
    connection.exec("DELETE FROM sessions WHERE token_hash = $1", {hash_param(token_hash)});
    return std::nullopt;
  }
  Session session;
  session.token_hash = token_hash;
  session.mfa_done = rows.boolean(0, 0);
  session.user = read_user(rows, 0, 1);
  return session;
}

void end_session(db::Connection& connection, std::string_view token) {
  connection.exec("DELETE FROM sessions WHERE token_hash = $1", {hash_param(hash_token(token))});
}

}  // namespace telehealth::identity
