#pragma once

#include "http/router.hpp"
#include "http/services.hpp"

namespace telehealth::http {

/// Sign-in, sign-out, session and TOTP routes, plus /api/health.
void add_auth_routes(Router& router, Services& services);

}  // namespace telehealth::http
