#pragma once

#include "http/router.hpp"
#include "http/services.hpp"

namespace telehealth::http {

/// Admin routes (elevation, users, invitations, the break-glass review
/// queue) and the anonymous invitation routes (docs/api.md, Administration).
void add_admin_routes(Router& router, Services& services);

}  // namespace telehealth::http
