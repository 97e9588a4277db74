#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "crypto/bytes.hpp"
#include "db/connection.hpp"
#include "identity/actor.hpp"
#include "identity/authentication.hpp"
#include "identity/sessions.hpp"
#include "webauthn/webauthn.hpp"

// WebAuthn passkeys: registration, the second factor after a password, and
// passwordless sign-in with a discoverable credential. Challenges are stored
// hashed in webauthn_challenges and are used once; every outcome is audited.

namespace telehealth::identity {

struct PasskeySettings {
  webauthn::RelyingParty party;
  /// How long a challenge stays usable; also the browser's timeout.
  std::chrono::seconds challenge_lifetime{5 * 60};
};

/// A new challenge and the user's credential ids, for the browser's
/// excludeCredentials (registration) or allowCredentials (second factor).
struct PasskeyChallenge {
  crypto::Bytes challenge;
  std::vector<crypto::Bytes> credential_ids;
};

struct PasskeyInfo {
  std::string id;  // row id, used in URLs; never the credential id
  std::string name;
  int algorithm = 0;  // COSE algorithm identifier
  core::Seconds created_at;
  std::optional<core::Seconds> last_used_at;
};

/// The decoded fields of a PublicKeyCredential from navigator.credentials.get().
struct AssertionResponse {
  crypto::Bytes credential_id;  // rawId
  crypto::Bytes client_data_json;
  crypto::Bytes authenticator_data;
  crypto::Bytes signature;
  std::optional<crypto::Bytes> user_handle;
};

/// The WebAuthn user handle of a user: the bytes of the user's UUID text.
crypto::Bytes user_handle(const std::string& user_id);

/// Issues a registration challenge bound to `session`.
PasskeyChallenge begin_passkey_registration(db::Connection& connection, const Session& session,
                                            core::Seconds now, const PasskeySettings& settings);

/// Verifies a registration response against a challenge of this session
/// (user verification required) and stores the credential under `name`.
/// Audited as auth.passkey_registered. Throws invalid_field ("credential")
/// when verification fails and conflict when the credential already exists.
PasskeyInfo finish_passkey_registration(db::Connection& connection, const Session& session,
                                        const std::string& name,
                                        const crypto::Bytes& client_data_json,
                                        const crypto::Bytes& attestation_object,
                                        const Actor& request, core::Seconds now,
                                        const PasskeySettings& settings);

/// Returns the user's passkeys, oldest first.
std::vector<PasskeyInfo> list_passkeys(db::Connection& connection, const std::string& user_id);

/// Deletes one of the session user's passkeys. Throws not_found for another
/// user's or an unknown id, and conflict when it is the last second factor
/// of a role that needs MFA and TOTP is not enabled. Audited as
/// auth.passkey_removed, allowed or denied.
void remove_passkey(db::Connection& connection, const Session& session,
                    const std::string& passkey_id, const Actor& request, core::Seconds now);

/// Issues a second-factor challenge bound to `session`, listing the user's
/// credentials. Throws conflict when the user has no passkey.
PasskeyChallenge begin_passkey_second_factor(db::Connection& connection, const Session& session,
                                             core::Seconds now, const PasskeySettings& settings);

/// Verifies an assertion by one of the session user's passkeys and marks the
/// session MFA-complete, as verify_totp does. A failure is audited
/// (auth.passkey_verified denied, or auth.passkey_clone_suspected), counts
/// toward the account's attempt limits and throws invalid_credentials;
/// a throttled account gets too_many_attempts.
void verify_passkey_second_factor(db::Connection& connection, const Session& session,
                                  const AssertionResponse& response, const Actor& request,
                                  core::Seconds now, const PasskeySettings& settings);

/// Issues a challenge for passwordless sign-in, bound to no session or user.
PasskeyChallenge begin_passkey_sign_in(db::Connection& connection, core::Seconds now,
                                       const PasskeySettings& settings);

/// Signs in with a discoverable credential alone. User verification is
/// required, so the passkey counts as two factors and the new session is
/// MFA-complete. Audited as auth.passkey_login; every failure throws the
/// same invalid_credentials error, also for a throttled account.
SignInResult passkey_sign_in(db::Connection& connection, const AssertionResponse& response,
                             const Actor& request, core::Seconds now,
                             const PasskeySettings& settings, const SessionPolicy& policy);

}  // namespace telehealth::identity
