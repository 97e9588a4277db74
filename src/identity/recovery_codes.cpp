#include "identity/recovery_codes.hpp"

#include <cctype>

#include "audit/chain.hpp"
#include "core/error.hpp"
#include "crypto/encoding.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "db/transaction.hpp"
#include "identity/attempts.hpp"

namespace telehealth::identity {

namespace {

// 10 bytes = 80 bits = 16 base32 characters, shown in groups of four.
constexpr std::size_t kCodeBytes = 10;
constexpr std::size_t kGroup = 4;

// Lowercase without separators: what a user types is compared in this form,
// so "ABCD EFGH-ijkl mnop" matches "abcd-efgh-ijkl-mnop".
std::string normalise(const std::string& code) {
  std::string out;
  for (const char c : code) {
    if (c == '-' || c == ' ') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

db::Param code_hash(const std::string& normalised) {
  const auto digest = crypto::sha256(crypto::as_byte_view(normalised));
  return db::bytea_param({digest.begin(), digest.end()});
}

std::string display_form(const std::string& normalised) {
  std::string out;
  for (std::size_t i = 0; i < normalised.size(); ++i) {
    if (i > 0 && i % kGroup == 0) out.push_back('-');
    out.push_back(normalised[i]);
  }
  return out;
}

audit::Event auth_event(const char* type, const Session& session, audit::Outcome outcome,
                        const Actor& request) {
  return {type,          session.user.id,    to_string(session.user.role),
          std::nullopt,  std::nullopt,       std::nullopt,
          outcome,       request.client_ip,  request.user_agent,
          request.request_id};
}

}  // namespace

std::vector<std::string> generate_recovery_codes(db::Connection& connection,
                                                 const Session& session, const Actor& request,
                                                 core::Seconds now) {
  std::vector<std::string> codes;
  db::Transaction tx(connection);
  tx.exec("DELETE FROM recovery_codes WHERE user_id = $1", {session.user.id});
  for (int i = 0; i < kRecoveryCodeCount; ++i) {
    // base32 of 10 bytes is exactly 16 characters with no padding.
    const std::string code = normalise(crypto::base32_encode(crypto::random_bytes(kCodeBytes)));
    tx.exec("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)",
            {session.user.id, code_hash(code), core::format_rfc3339(now)});
    codes.push_back(display_form(code));
  }
  audit::append(tx, auth_event("auth.recovery_codes_generated", session, audit::Outcome::allowed,
                               request),
                now);
  tx.commit();
  return codes;
}

int remaining_recovery_codes(db::Connection& connection, const std::string& user_id) {
  const auto rows = connection.exec(
      "SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL", {user_id});
  return static_cast<int>(rows.integer(0, 0));
}

void verify_recovery_code(db::Connection& connection, const Session& session,
                          const std::string& code, const Actor& request, core::Seconds now) {
  if (is_locked(connection, session.user.id, now)) {
    db::Transaction tx(connection);
    audit::append(tx, auth_event("auth.recovery_code_locked", session, audit::Outcome::denied,
                                 request),
                  now);
    tx.commit();
    throw core::Error(core::ErrorKind::too_many_attempts,
                      "too many incorrect codes; wait a few minutes, then try again");
  }
  db::Transaction tx(connection);
  const bool accepted =
      tx.exec("UPDATE recovery_codes SET used_at = $3"
              " WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
              {session.user.id, code_hash(normalise(code)), core::format_rfc3339(now)})
          .affected() == 1;
  audit::append(tx, auth_event("auth.recovery_code", session,
                               accepted ? audit::Outcome::allowed : audit::Outcome::denied,
                               request),
                now);
  if (accepted) {
    tx.exec("UPDATE sessions SET mfa_done = true WHERE token_hash = $1",
            {db::bytea_param({session.token_hash.begin(), session.token_hash.end()})});
  }
  tx.commit();
  if (!accepted) {
    record_failure(connection, session.user.id, now);
    throw core::Error(core::ErrorKind::invalid_field,
                      "code: not a recovery code of this account, or already used; check it "
                      "and try again",
                      "code");
  }
  record_success(connection, session.user.id);
}

}  // namespace telehealth::identity
