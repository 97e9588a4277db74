#include "identity/authentication.hpp"

#include "identity/attempts.hpp"
#include "identity/password_policy.hpp"

#include "audit/chain.hpp"
#include "core/error.hpp"
#include "crypto/encoding.hpp"
#include "crypto/keyring.hpp"
#include "crypto/password.hpp"
#include "crypto/random.hpp"
#include "crypto/totp.hpp"
#include "db/transaction.hpp"

namespace telehealth::identity {

namespace {

// RFC 4226 section 4 recommends a 160-bit shared secret.
constexpr std::size_t kTotpSecretBytes = 20;

db::Param bytes_param(const crypto::Bytes& bytes) { return db::bytea_param(bytes); }

void audit_auth(db::Connection& connection, const std::string& event_type,
                const std::optional<std::string>& user_id, const std::optional<Role>& role,
                audit::Outcome outcome, const Actor& request, core::Seconds now) {
  audit::Event event;
  event.event_type = event_type;
  event.actor_id = user_id;
  if (role) event.actor_role = to_string(*role);
  event.outcome = outcome;
  event.client_ip = request.client_ip;
  event.user_agent = request.user_agent;
  event.request_id = request.request_id;
  db::Transaction tx(connection);
  audit::append(tx, event, now);
  tx.commit();
}

// An argon2id hash of a random password, verified when the email is unknown
// so that an unknown email costs the same time as a wrong password.
const std::string& decoy_hash() {
  static const std::string hash = crypto::hash_password(crypto::random_token(16));
  return hash;
}

// A user who already has a second factor (a passkey) adds TOTP only from a
// session that has used it, because otherwise a password alone could enrol a
// new authenticator and so skip the passkey.
void require_factor_for_enrolment(const Session& session) {
  if (has_second_factor(session.user) && !session.mfa_done) {
    throw core::Error(core::ErrorKind::mfa_required,
                      "sign in with your passkey first; then you can add an authenticator app");
  }
}

[[noreturn]] void reject_code() {
  throw core::Error(core::ErrorKind::invalid_field,
                    "code: incorrect or expired; enter the current 6-digit code from your "
                    "authenticator app",
                    "code");
}

std::optional<std::int64_t> match_code(const crypto::SecretBytes& secret, const std::string& code,
                                       core::Seconds now) {
  return crypto::totp_match(secret.bytes(), code, core::to_unix(now), 1);
}

}  // namespace

SignInResult sign_in(db::Connection& connection, const std::string& email,
                     const std::string& password, const Actor& request, core::Seconds now,
                     const SessionPolicy& policy) {
  const auto rows = connection.exec(
      std::string("SELECT password_hash, ") + kUserColumns +
          " FROM users WHERE lower(email) = lower($1)",
      {email});
  const bool found = !rows.empty();
  const std::string hash = found ? std::string(rows.text(0, 0)) : decoy_hash();
  const bool password_ok = crypto::verify_password(hash, password);
  const std::optional<User> user = found ? std::optional(read_user(rows, 0, 1)) : std::nullopt;
  // A throttled or locked account gets the same response as a wrong password,
  // so a lockout does not reveal that the email exists. The audit event
  // records the lockout.
  const bool locked = found && is_locked(connection, user->id, now);

  if (!found || !password_ok || !user->active || locked) {
    if (found && !password_ok) record_failure(connection, user->id, now);
    audit_auth(connection, locked ? "auth.login_locked" : "auth.login",
               user ? std::optional(user->id) : std::nullopt,
               user ? std::optional(user->role) : std::nullopt, audit::Outcome::denied, request,
               now);
    throw core::Error(core::ErrorKind::invalid_credentials,
                      "the email or password is incorrect");
  }
  // Only a complete sign-in clears the failure count: while a second factor
  // is still due, a right password must not reset the budget for guessing it.
  if (!requires_mfa(user->role) && !has_second_factor(*user)) record_success(connection, user->id);
  if (crypto::password_needs_rehash(hash)) {
    connection.exec("UPDATE users SET password_hash = $2 WHERE id = $1",
                    {user->id, crypto::hash_password(password)});
  }
  audit_auth(connection, "auth.login", user->id, user->role, audit::Outcome::allowed, request, now);

  SignInResult result;
  result.token =
      start_session(connection, user->id, now, policy, {request.client_ip, request.user_agent});
  result.session.token_hash = hash_token(result.token);
  result.session.user = *user;
  return result;
}

std::vector<std::string> change_password(db::Connection& connection, const Session& session,
                                         const std::string& current_password,
                                         const std::string& new_password, const Actor& request,
                                         core::Seconds now) {
  const auto rows =
      connection.exec("SELECT password_hash FROM users WHERE id = $1", {session.user.id});
  const bool locked = is_locked(connection, session.user.id, now);
  if (rows.empty() || locked ||
      !crypto::verify_password(rows.text(0, 0), current_password)) {
    if (!locked && !rows.empty()) record_failure(connection, session.user.id, now);
    audit_auth(connection, "auth.password_change", session.user.id, session.user.role,
               audit::Outcome::denied, request, now);
    throw core::Error(core::ErrorKind::invalid_field,
                      "current_password: incorrect; enter the password you signed in with",
                      "current_password");
  }
  check_new_password(new_password, context_words(session.user.email, session.user.display_name),
                     "new_password");

  db::Transaction tx(connection);
  tx.exec("UPDATE users SET password_hash = $2 WHERE id = $1",
          {session.user.id, crypto::hash_password(new_password)});
  const auto ended = tx.exec(
      "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2 RETURNING token_hash",
      {session.user.id, bytes_param({session.token_hash.begin(), session.token_hash.end()})});
  audit::Event event{"auth.password_change", session.user.id, to_string(session.user.role),
                     std::nullopt, std::nullopt, std::nullopt, audit::Outcome::allowed,
                     request.client_ip, request.user_agent, request.request_id};
  audit::append(tx, event, now);
  tx.commit();
  record_success(connection, session.user.id);

  std::vector<std::string> hashes;
  for (int row = 0; row < ended.rows(); ++row) {
    const auto hash = ended.bytes(row, 0);
    hashes.emplace_back(hash.begin(), hash.end());
  }
  return hashes;
}

TotpEnrolment begin_totp_enrolment(db::Connection& connection, const crypto::Keyring& keyring,
                                   const Session& session, const std::string& issuer) {
  if (session.user.totp_enabled) {
    throw core::Error(core::ErrorKind::conflict,
                      "TOTP is already enrolled; sign in with a code from your authenticator");
  }
  require_factor_for_enrolment(session);
  const db::Param token_hash =
      db::bytea_param({session.token_hash.begin(), session.token_hash.end()});
  const std::string associated_data = "sessions.pending_totp:" + session.user.id;

  // A reload of the enrolment page offers the secret already pending in this
  // session, so a code from an app that scanned the first QR code still works.
  const auto pending = connection.exec(
      "SELECT pending_totp_sealed, pending_totp_kek_version FROM sessions"
      " WHERE token_hash = $1 AND pending_totp_sealed IS NOT NULL",
      {token_hash});
  crypto::SecretBytes secret;
  if (!pending.empty()) {
    secret = keyring.unwrap({static_cast<int>(pending.integer(0, 1)), pending.bytes(0, 0)},
                            associated_data);
  } else {
    secret = crypto::random_secret(kTotpSecretBytes);
    const auto sealed = keyring.wrap(secret, associated_data);
    connection.exec(
        "UPDATE sessions SET pending_totp_sealed = $2, pending_totp_kek_version = $3"
        " WHERE token_hash = $1",
        {token_hash, bytes_param(sealed.sealed), std::to_string(sealed.kek_version)});
  }

  TotpEnrolment enrolment;
  enrolment.secret_base32 = crypto::base32_encode(secret.bytes());
  enrolment.otpauth_uri = crypto::otpauth_uri(issuer, session.user.email, enrolment.secret_base32);
  return enrolment;
}

void confirm_totp_enrolment(db::Connection& connection, const crypto::Keyring& keyring,
                            const Session& session, const std::string& code,
                            const Actor& request, core::Seconds now) {
  const db::Param token_hash =
      db::bytea_param({session.token_hash.begin(), session.token_hash.end()});
  const auto rows = connection.exec(
      "SELECT pending_totp_sealed, pending_totp_kek_version FROM sessions"
      " WHERE token_hash = $1 AND pending_totp_sealed IS NOT NULL",
      {token_hash});
  if (rows.empty() || session.user.totp_enabled) {
    throw core::Error(core::ErrorKind::conflict,
                      "no TOTP enrolment is in progress; start enrolment again");
  }
  require_factor_for_enrolment(session);
  if (is_locked(connection, session.user.id, now)) {
    audit_auth(connection, "auth.totp_locked", session.user.id, session.user.role,
               audit::Outcome::denied, request, now);
    throw core::Error(core::ErrorKind::too_many_attempts,
                      "too many incorrect codes; wait a few minutes, then try again");
  }
  crypto::WrappedKey pending{static_cast<int>(rows.integer(0, 1)), rows.bytes(0, 0)};
  const auto secret = keyring.unwrap(pending, "sessions.pending_totp:" + session.user.id);
  const auto step = match_code(secret, code, now);
  if (!step) {
    record_failure(connection, session.user.id, now);
    audit_auth(connection, "auth.totp_enrol", session.user.id, session.user.role,
               audit::Outcome::denied, request, now);
    reject_code();
  }

  const auto sealed = keyring.wrap(secret, "users.totp_secret:" + session.user.id);
  db::Transaction tx(connection);
  tx.exec(
      "UPDATE users SET totp_secret_sealed = $2, totp_kek_version = $3, totp_enabled = true,"
      " totp_last_step = $4 WHERE id = $1",
      {session.user.id, bytes_param(sealed.sealed), std::to_string(sealed.kek_version),
       std::to_string(*step)});
  tx.exec(
      "UPDATE sessions SET mfa_done = true, pending_totp_sealed = NULL,"
      " pending_totp_kek_version = NULL WHERE token_hash = $1",
      {token_hash});
  audit::Event event{"auth.totp_enrol", session.user.id, to_string(session.user.role),
                     std::nullopt, std::nullopt, std::nullopt, audit::Outcome::allowed,
                     request.client_ip, request.user_agent, request.request_id};
  audit::append(tx, event, now);
  tx.commit();
  record_success(connection, session.user.id);
}

void verify_totp(db::Connection& connection, const crypto::Keyring& keyring,
                 const Session& session, const std::string& code, const Actor& request,
                 core::Seconds now) {
  const auto rows = connection.exec(
      "SELECT totp_secret_sealed, totp_kek_version, totp_last_step FROM users"
      " WHERE id = $1 AND totp_enabled",
      {session.user.id});
  if (rows.empty()) {
    throw core::Error(core::ErrorKind::conflict, "TOTP is not enrolled; enrol first");
  }
  crypto::WrappedKey wrapped{static_cast<int>(rows.integer(0, 1)), rows.bytes(0, 0)};
  if (is_locked(connection, session.user.id, now)) {
    audit_auth(connection, "auth.totp_locked", session.user.id, session.user.role,
               audit::Outcome::denied, request, now);
    throw core::Error(core::ErrorKind::too_many_attempts,
                      "too many incorrect codes; wait a few minutes, then try again");
  }
  const auto secret = keyring.unwrap(wrapped, "users.totp_secret:" + session.user.id);
  const auto step = match_code(secret, code, now);
  const std::int64_t last_step = rows.is_null(0, 2) ? -1 : rows.integer(0, 2);

  // RFC 6238 section 5.2: a code is accepted once; a later code for the same
  // or an earlier step is a replay.
  db::Transaction tx(connection);
  const bool accepted =
      step && *step > last_step &&
      tx.exec("UPDATE users SET totp_last_step = $2 WHERE id = $1 AND"
              " (totp_last_step IS NULL OR totp_last_step < $2)",
              {session.user.id, std::to_string(*step)})
              .affected() == 1;
  audit::Event event{"auth.totp_verify", session.user.id, to_string(session.user.role),
                     std::nullopt, std::nullopt, std::nullopt,
                     accepted ? audit::Outcome::allowed : audit::Outcome::denied,
                     request.client_ip, request.user_agent, request.request_id};
  audit::append(tx, event, now);
  if (accepted) {
    tx.exec("UPDATE sessions SET mfa_done = true WHERE token_hash = $1",
            {db::bytea_param({session.token_hash.begin(), session.token_hash.end()})});
  }
  tx.commit();
  if (!accepted) {
    record_failure(connection, session.user.id, now);
    reject_code();
  }
  record_success(connection, session.user.id);
}

}  // namespace telehealth::identity
