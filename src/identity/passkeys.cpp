#include "identity/passkeys.hpp"

#include "audit/chain.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "db/transaction.hpp"
#include "identity/attempts.hpp"

namespace telehealth::identity {

namespace {

// 256-bit challenges; WebAuthn section 13.4.3 requires at least 128 bits.
constexpr std::size_t kChallengeBytes = 32;
// A user with this many passkeys must remove one before adding another.
constexpr std::int64_t kMaxPasskeysPerUser = 20;
constexpr std::size_t kMaxNameLength = 64;
// Expired challenges are deleted this long after expiry, when a new one is issued.
constexpr std::chrono::hours kChallengeRetention{1};

constexpr const char* kPurposeRegister = "register";
constexpr const char* kPurposeSecondFactor = "second_factor";
constexpr const char* kPurposeSignIn = "sign_in";

db::Param bytes_param(crypto::ByteView bytes) {
  return db::bytea_param(crypto::Bytes(bytes.begin(), bytes.end()));
}

db::Param session_param(const Session& session) {
  return bytes_param(crypto::as_byte_view(session.token_hash));
}

db::Param challenge_hash_param(crypto::ByteView challenge) {
  const auto digest = crypto::sha256(challenge);
  return bytes_param(digest);
}

// The fields of one passkey audit event. `user` is unknown for a
// passwordless attempt with an unknown credential.
struct PasskeyEvent {
  std::string event_type;
  std::optional<std::string> user_id;
  std::optional<Role> role;
  std::optional<std::string> passkey_id;
  audit::Outcome outcome = audit::Outcome::allowed;
};

audit::Event to_audit_event(const PasskeyEvent& fields, const Actor& request) {
  audit::Event event;
  event.event_type = fields.event_type;
  event.actor_id = fields.user_id;
  if (fields.role) event.actor_role = to_string(*fields.role);
  if (fields.passkey_id) {
    event.record_type = "passkey";
    event.record_id = fields.passkey_id;
  }
  event.outcome = fields.outcome;
  event.client_ip = request.client_ip;
  event.user_agent = request.user_agent;
  event.request_id = request.request_id;
  return event;
}

// Appends a denial in a transaction of its own, because the change it
// records was not made.
void audit_denial(db::Connection& connection, const PasskeyEvent& fields, const Actor& request,
                  core::Seconds now) {
  db::Transaction tx(connection);
  audit::append(tx, to_audit_event(fields, request), now);
  tx.commit();
}

void log_rejection(const std::string& event_type, const std::optional<std::string>& user_id,
                   const webauthn::VerificationError& error) {
  nlohmann::json fields{{"event", event_type},
                        {"reason", webauthn::to_string(error.failure())},
                        {"detail", error.what()}};
  if (user_id) fields["user_id"] = *user_id;
  core::log(core::LogLevel::warn, "passkeys", "passkey rejected", fields);
}

PasskeyChallenge issue_challenge(db::Connection& connection, const char* purpose,
                                 const std::optional<std::string>& user_id,
                                 const db::Param& session_hash, core::Seconds now,
                                 const PasskeySettings& settings) {
  connection.exec("DELETE FROM webauthn_challenges WHERE expires_at < $1",
                  {core::format_rfc3339(now - kChallengeRetention)});
  PasskeyChallenge issued;
  issued.challenge = crypto::random_bytes(kChallengeBytes);
  connection.exec(
      "INSERT INTO webauthn_challenges (challenge_hash, purpose, user_id, session_hash,"
      " created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
      {challenge_hash_param(issued.challenge), purpose, user_id, session_hash,
       core::format_rfc3339(now), core::format_rfc3339(now + settings.challenge_lifetime)});
  if (user_id) {
    const auto rows = connection.exec(
        "SELECT credential_id FROM webauthn_credentials WHERE user_id = $1 ORDER BY created_at",
        {*user_id});
    for (int row = 0; row < rows.rows(); ++row) issued.credential_ids.push_back(rows.bytes(row, 0));
  }
  return issued;
}

// Marks the challenge named in `client_data_json` used, if it was issued for
// `purpose` (and `session_hash`, NULL for sign-in), is unused and has not
// expired. Runs on its own, before the signature is checked, so a failed
// attempt burns the challenge too. Returns the challenge bytes.
crypto::Bytes consume_challenge(db::Connection& connection, crypto::ByteView client_data_json,
                                const char* purpose, const db::Param& session_hash,
                                core::Seconds now) {
  crypto::Bytes challenge = webauthn::client_data_challenge(client_data_json);
  const auto rows = connection.exec(
      "UPDATE webauthn_challenges SET used_at = $4"
      " WHERE challenge_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $4"
      " AND session_hash IS NOT DISTINCT FROM $3 RETURNING 1",
      {challenge_hash_param(challenge), purpose, session_hash, core::format_rfc3339(now)});
  if (rows.empty()) {
    throw webauthn::VerificationError(webauthn::Failure::challenge_mismatch,
                                      "the challenge is unknown, used, expired or not this "
                                      "session's");
  }
  return challenge;
}

struct StoredPasskey {
  std::string id;
  std::string user_id;
  crypto::Bytes public_key;
  std::uint32_t sign_count = 0;
};

std::optional<StoredPasskey> find_credential(db::Connection& connection,
                                             crypto::ByteView credential_id) {
  const auto rows = connection.exec(
      "SELECT id, user_id, public_key, sign_count FROM webauthn_credentials"
      " WHERE credential_id = $1",
      {bytes_param(credential_id)});
  if (rows.empty()) return std::nullopt;
  return StoredPasskey{std::string(rows.text(0, 0)), std::string(rows.text(0, 1)),
                       rows.bytes(0, 2), static_cast<std::uint32_t>(rows.integer(0, 3))};
}

// Stores the new counter only if no concurrent assertion stored one first;
// otherwise the two assertions carried the same counter, a possible clone.
void store_counter(db::Transaction& tx, const StoredPasskey& passkey, std::uint32_t sign_count,
                   core::Seconds now) {
  const auto updated = tx.exec(
      "UPDATE webauthn_credentials SET sign_count = $3, last_used_at = $4"
      " WHERE id = $1 AND sign_count = $2",
      {passkey.id, std::to_string(passkey.sign_count), std::to_string(sign_count),
       core::format_rfc3339(now)});
  if (updated.affected() != 1) {
    throw webauthn::VerificationError(webauthn::Failure::counter_not_increased,
                                      "a concurrent assertion stored the counter first");
  }
}

webauthn::Assertion check_assertion(const StoredPasskey& passkey,
                                    const AssertionResponse& response,
                                    crypto::ByteView challenge, bool require_user_verification,
                                    const PasskeySettings& settings) {
  return webauthn::verify_assertion(
      settings.party, {passkey.public_key, passkey.sign_count},
      {response.client_data_json, response.authenticator_data, response.signature, challenge,
       require_user_verification});
}

std::string denied_event_type(const webauthn::VerificationError& error,
                              const std::string& event_type) {
  return error.failure() == webauthn::Failure::counter_not_increased
             ? "auth.passkey_clone_suspected"
             : event_type;
}

PasskeyInfo read_passkey(const db::Result& rows, int row) {
  PasskeyInfo info;
  info.id = std::string(rows.text(row, 0));
  info.name = std::string(rows.text(row, 1));
  info.algorithm = static_cast<int>(rows.integer(row, 2));
  info.created_at = rows.timestamp(row, 3);
  if (!rows.is_null(row, 4)) info.last_used_at = rows.timestamp(row, 4);
  return info;
}

std::string checked_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameLength * 4) {
    core::throw_invalid_field("name", "give the passkey a name of 1 to 64 characters");
  }
  std::size_t characters = 0;
  for (const char character : name) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte < 0x20 || byte == 0x7f) {
      core::throw_invalid_field("name", "must not contain control characters");
    }
    // Count code points, not bytes: UTF-8 continuation bytes are 10xxxxxx.
    if ((byte & 0xc0) != 0x80) ++characters;
  }
  if (characters > kMaxNameLength || name.find_first_not_of(' ') == std::string::npos) {
    core::throw_invalid_field("name", "give the passkey a name of 1 to 64 characters");
  }
  return name;
}

}  // namespace

crypto::Bytes user_handle(const std::string& user_id) {
  return {user_id.begin(), user_id.end()};
}

PasskeyChallenge begin_passkey_registration(db::Connection& connection, const Session& session,
                                            core::Seconds now, const PasskeySettings& settings) {
  return issue_challenge(connection, kPurposeRegister, session.user.id, session_param(session),
                         now, settings);
}

PasskeyInfo finish_passkey_registration(db::Connection& connection, const Session& session,
                                        const std::string& name,
                                        const crypto::Bytes& client_data_json,
                                        const crypto::Bytes& attestation_object,
                                        const Actor& request, core::Seconds now,
                                        const PasskeySettings& settings) {
  const std::string passkey_name = checked_name(name);
  PasskeyEvent event{"auth.passkey_registered", session.user.id, session.user.role,
                     std::nullopt, audit::Outcome::allowed};
  webauthn::Registration registration;
  try {
    const auto challenge = consume_challenge(connection, client_data_json, kPurposeRegister,
                                             session_param(session), now);
    registration = webauthn::verify_registration(
        settings.party, {client_data_json, attestation_object, challenge, true});
  } catch (const webauthn::VerificationError& error) {
    log_rejection(event.event_type, session.user.id, error);
    event.outcome = audit::Outcome::denied;
    audit_denial(connection, event, request, now);
    core::throw_invalid_field("credential",
                              "the passkey response could not be verified; try adding the "
                              "passkey again");
  }

  db::Transaction tx(connection);
  // Locks the user's row so that concurrent registrations count correctly.
  tx.exec("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", {session.user.id});
  const auto count = tx.exec("SELECT count(*) FROM webauthn_credentials WHERE user_id = $1",
                             {session.user.id});
  if (count.integer(0, 0) >= kMaxPasskeysPerUser) {
    core::throw_unacceptable("credential", "you have 20 passkeys; remove one before adding another");
  }
  const auto exists = tx.exec("SELECT 1 FROM webauthn_credentials WHERE credential_id = $1",
                              {bytes_param(registration.credential_id)});
  if (!exists.empty()) {
    throw core::Error(core::ErrorKind::conflict,
                      "this passkey is already registered; use it to sign in");
  }
  const std::string id = crypto::new_uuid();
  const auto rows = tx.exec(
      "INSERT INTO webauthn_credentials (id, user_id, credential_id, public_key, algorithm,"
      " sign_count, name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
      " RETURNING id, name, algorithm, created_at, last_used_at",
      {id, session.user.id, bytes_param(registration.credential_id),
       bytes_param(registration.public_key),
       std::to_string(static_cast<int>(registration.algorithm)),
       std::to_string(registration.sign_count), passkey_name, core::format_rfc3339(now)});
  event.passkey_id = id;
  audit::append(tx, to_audit_event(event, request), now);
  tx.commit();
  return read_passkey(rows, 0);
}

std::vector<PasskeyInfo> list_passkeys(db::Connection& connection, const std::string& user_id) {
  const auto rows = connection.exec(
      "SELECT id, name, algorithm, created_at, last_used_at FROM webauthn_credentials"
      " WHERE user_id = $1 ORDER BY created_at, id",
      {user_id});
  std::vector<PasskeyInfo> passkeys;
  for (int row = 0; row < rows.rows(); ++row) passkeys.push_back(read_passkey(rows, row));
  return passkeys;
}

void remove_passkey(db::Connection& connection, const Session& session,
                    const std::string& passkey_id, const Actor& request, core::Seconds now) {
  PasskeyEvent event{"auth.passkey_removed", session.user.id, session.user.role, passkey_id,
                     audit::Outcome::denied};
  db::Transaction tx(connection);
  // The user's row lock serialises removals, so two concurrent requests
  // cannot each remove one of the last two second factors.
  const auto user = tx.exec("SELECT totp_enabled FROM users WHERE id = $1 FOR UPDATE",
                            {session.user.id});
  const auto owned = tx.exec(
      "SELECT count(*) FILTER (WHERE id = $2), count(*) FROM webauthn_credentials"
      " WHERE user_id = $1",
      {session.user.id, passkey_id});
  const bool found = owned.integer(0, 0) == 1;
  const bool last_factor = requires_mfa(session.user.role) && !user.boolean(0, 0) &&
                           owned.integer(0, 1) == 1;
  if (!found || last_factor) {
    audit::append(tx, to_audit_event(event, request), now);
    tx.commit();
    if (!found) core::throw_not_found();
    throw core::Error(core::ErrorKind::conflict,
                      "this passkey is your only second factor; set up an authenticator app "
                      "or add another passkey before removing it");
  }
  tx.exec("DELETE FROM webauthn_credentials WHERE id = $1 AND user_id = $2",
          {passkey_id, session.user.id});
  event.outcome = audit::Outcome::allowed;
  audit::append(tx, to_audit_event(event, request), now);
  tx.commit();
}

PasskeyChallenge begin_passkey_second_factor(db::Connection& connection, const Session& session,
                                             core::Seconds now, const PasskeySettings& settings) {
  auto issued = issue_challenge(connection, kPurposeSecondFactor, session.user.id,
                                session_param(session), now, settings);
  if (issued.credential_ids.empty()) {
    throw core::Error(core::ErrorKind::conflict,
                      "you have no passkey; sign in with the code from your authenticator app");
  }
  return issued;
}

void verify_passkey_second_factor(db::Connection& connection, const Session& session,
                                  const AssertionResponse& response, const Actor& request,
                                  core::Seconds now, const PasskeySettings& settings) {
  PasskeyEvent event{"auth.passkey_verified", session.user.id, session.user.role, std::nullopt,
                     audit::Outcome::denied};
  if (is_locked(connection, session.user.id, now)) {
    event.event_type = "auth.passkey_locked";
    audit_denial(connection, event, request, now);
    throw core::Error(core::ErrorKind::too_many_attempts,
                      "too many failed attempts; wait a few minutes, then try again");
  }
  try {
    const auto challenge = consume_challenge(connection, response.client_data_json,
                                             kPurposeSecondFactor, session_param(session), now);
    const auto passkey = find_credential(connection, response.credential_id);
    if (!passkey || passkey->user_id != session.user.id) {
      throw webauthn::VerificationError(webauthn::Failure::bad_signature,
                                        "the credential is not one of this user's passkeys");
    }
    event.passkey_id = passkey->id;
    const auto assertion = check_assertion(*passkey, response, challenge, false, settings);

    db::Transaction tx(connection);
    store_counter(tx, *passkey, assertion.sign_count, now);
    event.outcome = audit::Outcome::allowed;
    audit::append(tx, to_audit_event(event, request), now);
    tx.exec("UPDATE sessions SET mfa_done = true WHERE token_hash = $1", {session_param(session)});
    tx.commit();
  } catch (const webauthn::VerificationError& error) {
    log_rejection(event.event_type, session.user.id, error);
    event.event_type = denied_event_type(error, event.event_type);
    event.outcome = audit::Outcome::denied;
    audit_denial(connection, event, request, now);
    record_failure(connection, session.user.id, now);
    throw core::Error(core::ErrorKind::invalid_credentials,
                      "the passkey could not be verified; try again or enter a code from your "
                      "authenticator app");
  }
  record_success(connection, session.user.id);
}

PasskeyChallenge begin_passkey_sign_in(db::Connection& connection, core::Seconds now,
                                       const PasskeySettings& settings) {
  return issue_challenge(connection, kPurposeSignIn, std::nullopt, std::nullopt, now, settings);
}

SignInResult passkey_sign_in(db::Connection& connection, const AssertionResponse& response,
                             const Actor& request, core::Seconds now,
                             const PasskeySettings& settings, const SessionPolicy& policy) {
  PasskeyEvent event{"auth.passkey_login", std::nullopt, std::nullopt, std::nullopt,
                     audit::Outcome::denied};
  // Every failure, a throttled account included, returns this one error, so
  // the response does not reveal which credential ids exist.
  const core::Error rejected(core::ErrorKind::invalid_credentials,
                             "the passkey could not be verified; try again or sign in with your "
                             "email and password");
  std::optional<User> user;
  try {
    const auto challenge = consume_challenge(connection, response.client_data_json,
                                             kPurposeSignIn, std::nullopt, now);
    const auto passkey = find_credential(connection, response.credential_id);
    if (!passkey) {
      throw webauthn::VerificationError(webauthn::Failure::bad_signature,
                                        "no passkey has this credential id");
    }
    event.passkey_id = passkey->id;
    user = find_user(connection, passkey->user_id);
    if (!user) core::throw_not_found();  // the foreign key makes this unreachable
    event.user_id = user->id;
    event.role = user->role;
    if (!user->active) {
      audit_denial(connection, event, request, now);
      throw rejected;
    }
    if (is_locked(connection, user->id, now)) {
      event.event_type = "auth.passkey_locked";
      audit_denial(connection, event, request, now);
      throw rejected;
    }
    // The user handle, when the authenticator returns one, must name the
    // credential's owner (section 7.2 step 6).
    if (response.user_handle && *response.user_handle != user_handle(user->id)) {
      throw webauthn::VerificationError(webauthn::Failure::bad_signature,
                                        "the user handle is not the credential owner's");
    }
    const auto assertion = check_assertion(*passkey, response, challenge, true, settings);

    // The session, the counter and the audit event commit together.
    db::Transaction tx(connection);
    store_counter(tx, *passkey, assertion.sign_count, now);
    SignInResult result;
    result.token = start_session(connection, user->id, now, policy);
    result.session.token_hash = hash_token(result.token);
    result.session.user = *user;
    result.session.mfa_done = true;
    tx.exec("UPDATE sessions SET mfa_done = true WHERE token_hash = $1",
            {session_param(result.session)});
    event.outcome = audit::Outcome::allowed;
    audit::append(tx, to_audit_event(event, request), now);
    tx.commit();
    record_success(connection, user->id);
    return result;
  } catch (const webauthn::VerificationError& error) {
    log_rejection(event.event_type, event.user_id, error);
    event.event_type = denied_event_type(error, event.event_type);
    audit_denial(connection, event, request, now);
    if (user) record_failure(connection, user->id, now);
    throw rejected;
  }
}

}  // namespace telehealth::identity
