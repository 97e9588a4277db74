#pragma once

#include "http/router.hpp"
#include "http/services.hpp"

namespace telehealth::oidc {
class Client;
}

namespace telehealth::http {

/// GET /api/auth/oidc, which tells the web app whether single sign-on is
/// configured, and, when `client` is not null, the start and callback routes
/// of the sign-in through the provider. Without a client those two return 404.
void add_oidc_routes(Router& router, Services& services, oidc::Client* client);

}  // namespace telehealth::http
