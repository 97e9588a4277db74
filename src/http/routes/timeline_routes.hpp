#pragma once

#include "http/router.hpp"
#include "http/services.hpp"

namespace telehealth::http {

/// A patient's visit history, a page at a time (docs/api.md, Visit history).
void add_timeline_routes(Router& router, Services& services);

}  // namespace telehealth::http
