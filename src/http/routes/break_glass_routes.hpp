#pragma once

#include "http/router.hpp"
#include "http/services.hpp"

namespace telehealth::http {

/// A clinician's emergency access (docs/api.md, Break-glass).
void add_break_glass_routes(Router& router, Services& services);

}  // namespace telehealth::http
