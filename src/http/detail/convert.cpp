#include "http/detail/convert.hpp"

namespace telehealth::http::detail {

namespace {

// `Name` is a bhttp::field for the headers Beast defines, or a string_view.
template <typename Name>
std::string header(const BeastRequest& request, Name name) {
  const auto found = request.find(name);
  return found == request.end() ? std::string() : std::string(found->value());
}

// The web app loads only its own scripts and styles, shows QR codes as data:
// images, and talks only to its own origin (HTTPS and WSS). TURN traffic is
// not subject to CSP.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob: mediastream:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

}  // namespace

IncomingRequest to_incoming(const BeastRequest& request, const std::string& client_ip) {
  IncomingRequest incoming;
  incoming.method = std::string(request.method_string());
  incoming.target = std::string(request.target());
  incoming.body = request.body();
  incoming.cookie_header = header(request, bhttp::field::cookie);
  incoming.origin = header(request, bhttp::field::origin);
  incoming.csrf_token = header(request, std::string_view("X-CSRF-Token"));
  incoming.user_agent = header(request, bhttp::field::user_agent);
  incoming.client_ip = client_ip;
  return incoming;
}

BeastResponse to_beast(const Response& response, unsigned version, bool keep_alive) {
  BeastResponse out{static_cast<bhttp::status>(response.status), version};
  out.set(bhttp::field::server, "telehealth");
  if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) out.insert(name, value);
  out.set(bhttp::field::strict_transport_security, "max-age=31536000");
  out.set("Content-Security-Policy", kContentSecurityPolicy);
  out.set("X-Content-Type-Options", "nosniff");
  out.set("X-Frame-Options", "DENY");
  out.set("Referrer-Policy", "no-referrer");
  out.set("Cross-Origin-Opener-Policy", "same-origin");
  out.set("Permissions-Policy", "camera=(self), microphone=(self), geolocation=()");
  out.body() = response.body;
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

}  // namespace telehealth::http::detail
