#pragma once

#include "http/router.hpp"
#include "http/services.hpp"

namespace telehealth::http {

/// TURN credentials for a consultation. The signaling WebSocket itself is
/// served by the connection (src/http/detail/signaling.cpp).
void add_video_routes(Router& router, Services& services);

}  // namespace telehealth::http
