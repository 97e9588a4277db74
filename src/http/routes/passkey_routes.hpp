#pragma once

#include "http/router.hpp"
#include "http/services.hpp"

namespace telehealth::http {

/// WebAuthn passkey routes: registration, listing and removal, the second
/// factor after a password, and passwordless sign-in (docs/api.md).
void add_passkey_routes(Router& router, Services& services);

}  // namespace telehealth::http
