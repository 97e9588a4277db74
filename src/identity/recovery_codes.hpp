#pragma once

#include <string>
#include <vector>

#include "core/time.hpp"
#include "db/connection.hpp"
#include "identity/actor.hpp"
#include "identity/sessions.hpp"

namespace telehealth::identity {

/// Codes in one set.
inline constexpr int kRecoveryCodeCount = 10;

/// Replaces the user's recovery codes with a new set of ten and returns them
/// in display form ("abcd-efgh-ijkl-mnop": 80 random bits in base32). They
/// are shown once; only their SHA-256 is stored. Audited as
/// "auth.recovery_codes_generated".
std::vector<std::string> generate_recovery_codes(db::Connection& connection,
                                                 const Session& session, const Actor& request,
                                                 core::Seconds now);

/// Unused codes the user has left.
int remaining_recovery_codes(db::Connection& connection, const std::string& user_id);

/// Completes the second factor with a recovery code instead of a TOTP code,
/// for a user who has lost their authenticator. Each code works once. A
/// wrong code counts toward the account's attempt limits, like a wrong TOTP
/// code. Audited as "auth.recovery_code".
void verify_recovery_code(db::Connection& connection, const Session& session,
                          const std::string& code, const Actor& request, core::Seconds now);

}  // namespace telehealth::identity
