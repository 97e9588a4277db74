#pragma once

#include <string>
#include <vector>

#include "core/time.hpp"
#include "db/connection.hpp"
#include "identity/actor.hpp"
#include "identity/sessions.hpp"

namespace telehealth::crypto {
class Keyring;
}

namespace telehealth::identity {

struct SignInResult {
  std::string token;  // for the session cookie only; never logged
  Session session;
};

/// Checks an email and password (argon2id) and starts a session. Every
/// attempt is audited as "auth.login". A wrong password, an unknown email and
/// a deactivated account all throw the same invalid_credentials error, after
/// the same argon2id work, so neither the message nor the timing
/// distinguishes them. `request` carries the client facts; its user id is ignored.
SignInResult sign_in(db::Connection& connection, const std::string& email,
                     const std::string& password, const Actor& request, core::Seconds now,
                     const SessionPolicy& policy);

/// Replaces the signed-in user's password after checking the current one and
/// the password policy (check_new_password). Every other session of the user
/// ends; their token hashes are returned so the caller can close the
/// consultations they opened. A wrong current password counts toward the
/// account's attempt limits. Audited as "auth.password_change".
std::vector<std::string> change_password(db::Connection& connection, const Session& session,
                                         const std::string& current_password,
                                         const std::string& new_password, const Actor& request,
                                         core::Seconds now);

struct TotpEnrolment {
  std::string otpauth_uri;
  std::string secret_base32;
};

/// Offers a new RFC 6238 secret (160 bits, SHA-1, 6 digits, 30 s) to a user
/// who has none yet. The secret stays sealed on the session until confirmed,
/// and a repeated call in the same session returns it again.
TotpEnrolment begin_totp_enrolment(db::Connection& connection, const crypto::Keyring& keyring,
                                   const Session& session, const std::string& issuer);

/// Confirms the offered secret with a code from the user's authenticator,
/// enables TOTP for the user and marks the session MFA-complete.
void confirm_totp_enrolment(db::Connection& connection, const crypto::Keyring& keyring,
                            const Session& session, const std::string& code,
                            const Actor& request, core::Seconds now);

/// Checks a code against the user's enrolled secret (±1 time step), rejects a
/// step already used (replay), and marks the session MFA-complete.
void verify_totp(db::Connection& connection, const crypto::Keyring& keyring,
                 const Session& session, const std::string& code, const Actor& request,
                 core::Seconds now);

}  // namespace telehealth::identity
