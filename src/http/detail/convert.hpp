#pragma once

#include "http/detail/beast.hpp"
#include "http/dispatcher.hpp"
#include "http/response.hpp"

namespace telehealth::http::detail {

/// Copies what the dispatcher needs out of a Beast request.
IncomingRequest to_incoming(const BeastRequest& request, const std::string& client_ip);

/// Builds the Beast response and adds the security headers every response
/// carries (HSTS, CSP, nosniff, no framing, no referrer).
BeastResponse to_beast(const Response& response, unsigned version, bool keep_alive);

}  // namespace telehealth::http::detail
