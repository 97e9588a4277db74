#pragma once

#include <string>

#include "http/rate_limit.hpp"
#include "http/response.hpp"
#include "http/router.hpp"
#include "http/services.hpp"

namespace telehealth::http {

/// The facts of one request that the dispatcher needs, copied out of Beast's
/// types by the connection so that routing and handlers stay socket-free.
struct IncomingRequest {
  std::string method;
  std::string target;
  std::string body;
  std::string cookie_header;
  std::string origin;
  std::string csrf_token;  // the X-CSRF-Token header
  std::string client_ip;
  std::string user_agent;
  /// Set by a caller that must know the id before the dispatcher runs (the
  /// WebSocket upgrade returns it in its response). Empty means the dispatcher
  /// makes one.
  std::string request_id;
};

/// Turns a request into a response: finds the route, checks the Origin of
/// state-changing requests, resumes the session, enforces MFA and roles, runs
/// the handler and maps every error to the JSON error shape. Never throws.
class Dispatcher {
 public:
  Dispatcher(const Router& router, Services& services)
      : router_(router),
        services_(services),
        request_limiter_(services.rate_limits.requests),
        sign_in_limiter_(services.rate_limits.sign_in) {}

  Response handle(const IncomingRequest& request) const;

  /// Resumes the session for a WebSocket upgrade and checks its Origin and
  /// MFA. Fills `context` (actor, session, ids); throws core::Error.
  void authenticate_upgrade(const IncomingRequest& request, Context& context) const;

 private:
  Context make_context(const IncomingRequest& request, const std::string& path) const;
  void check_origin(const IncomingRequest& request) const;
  static void check_csrf(const IncomingRequest& request, const Context& context);
  void resume(Context& context, Access access) const;
  void check_roles(const Context& context, const RouteSpec& spec) const;

  void check_rate(const IncomingRequest& request, const RouteSpec& spec) const;

  const Router& router_;
  Services& services_;
  // Request counts change on every request; they are the dispatcher's only
  // mutable state, and RateLimiter locks its own.
  mutable RateLimiter request_limiter_;
  mutable RateLimiter sign_in_limiter_;
};

/// Extracts the `__Host-session` cookie from a Cookie header, or "".
std::string session_cookie(const std::string& cookie_header);

/// The Set-Cookie value for `token`, or one that clears the cookie when empty.
std::string session_set_cookie(const std::string& token, std::chrono::seconds lifetime);

}  // namespace telehealth::http
