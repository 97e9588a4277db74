#include "admin/elevation.hpp"

#include <algorithm>

#include "admin/admin_event.hpp"
#include "core/error.hpp"
#include "crypto/keyring.hpp"
#include "crypto/random.hpp"
#include "crypto/totp.hpp"
#include "db/transaction.hpp"
#include "identity/attempts.hpp"

namespace telehealth::admin {

namespace {

// The same token size as sign-in: 256 bits.
constexpr std::size_t kTokenBytes = 32;

db::Param hash_param(const std::string& raw_hash) {
  return db::bytea_param({raw_hash.begin(), raw_hash.end()});
}

[[noreturn]] void reject_code() {
  throw core::Error(core::ErrorKind::invalid_field,
                    "code: incorrect or expired; enter the current 6-digit code from your "
                    "authenticator app",
                    "code");
}

// Returns the RFC 6238 time step that `code` matches (±1 step) and that is
// later than the last step accepted for the user, and records it so that the
// code cannot be used again (RFC 6238 section 5.2). Returns false otherwise.
// NOTE: this repeats the check of identity::verify_totp, which also marks the
// session MFA-complete, so elevation cannot call it unchanged.
bool accept_totp(db::Transaction& tx, const crypto::Keyring& keyring, const std::string& user_id,
                 const std::string& code, core::Seconds now) {
  const auto rows = tx.exec(
      "SELECT totp_secret_sealed, totp_kek_version, totp_last_step FROM users"
      " WHERE id = $1 AND totp_enabled FOR UPDATE",
      {user_id});
  if (rows.empty()) {
    throw core::Error(core::ErrorKind::conflict, "TOTP is not enrolled; enrol first");
  }
  const crypto::WrappedKey wrapped{static_cast<int>(rows.integer(0, 1)), rows.bytes(0, 0)};
  const auto secret = keyring.unwrap(wrapped, "users.totp_secret:" + user_id);
  const auto step = crypto::totp_match(secret.bytes(), code, core::to_unix(now), 1);
  const std::int64_t last_step = rows.is_null(0, 2) ? -1 : rows.integer(0, 2);
  if (!step || *step <= last_step) return false;
  tx.exec("UPDATE users SET totp_last_step = $2 WHERE id = $1", {user_id, std::to_string(*step)});
  return true;
}

}  // namespace

Elevation elevate(db::Connection& connection, const crypto::Keyring& keyring,
                  const identity::Session& session, const std::string& code,
                  const identity::Actor& admin, core::Seconds now, std::chrono::seconds lifetime) {
  const std::string& user_id = session.user.id;
  if (identity::is_locked(connection, user_id, now)) {
    db::Transaction tx(connection);
    audit_admin(tx, admin, "admin.elevate", "user", user_id, audit::Outcome::denied, now);
    tx.commit();
    throw core::Error(core::ErrorKind::too_many_attempts,
                      "too many incorrect codes; wait a few minutes, then try again");
  }

  Elevation elevation;
  {
    db::Transaction tx(connection);
    if (!accept_totp(tx, keyring, user_id, code, now)) {
      audit_admin(tx, admin, "admin.elevate", "user", user_id, audit::Outcome::denied, now);
      tx.commit();
      identity::record_failure(connection, user_id, now);
      reject_code();
    }
    const auto current = tx.exec("SELECT expires_at FROM sessions WHERE token_hash = $1",
                                 {hash_param(session.token_hash)});
    if (current.empty()) {
      throw core::Error(core::ErrorKind::unauthenticated,
                        "your session has ended or you are not signed in; sign in again");
    }
    elevation.elevated_until = std::min(now + lifetime, current.timestamp(0, 0));
    // A change of privilege gets a new token (OWASP ASVS 3.2.1), so a token
    // seen before the elevation never carries it.
    elevation.token = crypto::random_token(kTokenBytes);
    tx.exec(
        "UPDATE sessions SET token_hash = $2, last_seen_at = $3, elevated_until = $4"
        " WHERE token_hash = $1",
        {hash_param(session.token_hash), hash_param(identity::hash_token(elevation.token)),
         core::format_rfc3339(now), core::format_rfc3339(elevation.elevated_until)});
    audit_admin(tx, admin, "admin.elevate", "user", user_id, audit::Outcome::allowed, now);
    tx.commit();
  }
  identity::record_success(connection, user_id);
  return elevation;
}

std::optional<core::Seconds> elevated_until(db::Connection& connection,
                                            const std::string& token_hash, core::Seconds now) {
  const auto rows = connection.exec(
      "SELECT elevated_until FROM sessions WHERE token_hash = $1 AND elevated_until > $2",
      {hash_param(token_hash), core::format_rfc3339(now)});
  if (rows.empty()) return std::nullopt;
  return rows.timestamp(0, 0);
}

void require_elevation(db::Connection& connection, const std::string& token_hash,
                       core::Seconds now) {
  if (!elevated_until(connection, token_hash, now)) {
    throw core::Error(core::ErrorKind::elevation_required,
                      "admin functions need elevated access: confirm with a current code from "
                      "your authenticator app (POST /api/admin/elevate)");
  }
}

void end_elevation(db::Connection& connection, const std::string& token_hash,
                   const identity::Actor& admin, core::Seconds now) {
  db::Transaction tx(connection);
  tx.exec("UPDATE sessions SET elevated_until = NULL WHERE token_hash = $1",
          {hash_param(token_hash)});
  audit_admin(tx, admin, "admin.elevate_end", "user", admin.user_id, audit::Outcome::allowed, now);
  tx.commit();
}

}  // namespace telehealth::admin
