#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "http/router.hpp"
#include "http/services.hpp"

namespace telehealth::http {

/// Sign-in, sign-out, session, TOTP, recovery-code and password routes, plus
/// /api/health.
void add_auth_routes(Router& router, Services& services);

/// Builds the body of every sign-in and session response: `{user, mfa,
/// csrf_token, idle_timeout_seconds}`. `token` is the session's cookie value,
/// from which the CSRF token is derived.
nlohmann::json session_json(const Services& services, const identity::Session& session,
                            const std::string& token);

/// Builds the response to a completed second factor (TOTP, recovery code,
/// passkey). The session gained privilege, so its token is rotated and the
/// new cookie set: a token captured before MFA is worthless after it.
Response mfa_completed(Services& services, db::Connection& connection, Context& context,
                       bool totp_enrolled);

}  // namespace telehealth::http
