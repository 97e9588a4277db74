#include "http/dispatcher.hpp"

#include <algorithm>
#include <chrono>
#include <optional>

#include "audit/chain.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "db/transaction.hpp"

namespace telehealth::http {

namespace {

constexpr const char* kSessionCookie = "__Host-session";

bool is_safe_method(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

std::string path_of(const std::string& target) {
  return target.substr(0, target.find('?'));
}

// Writes the one access-log line of a request: the route pattern rather than
// the path, ids only, and for a failure the error kind and its log-only detail.
void log_request(const Context& context, const std::string& route, unsigned status,
                 std::chrono::steady_clock::time_point started, const core::Error* error) {
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  nlohmann::json fields{{"request_id", context.request_id},
                        {"method", context.method},
                        {"route", route},
                        {"status", status},
                        {"duration_ms", static_cast<double>(elapsed.count()) / 1000.0}};
  if (context.actor) fields["user_id"] = context.actor->user_id;
  if (error != nullptr) {
    fields["error"] = core::to_string(error->kind());
    if (!error->detail().empty()) fields["detail"] = error->detail();
  }
  core::log(status >= 500 ? core::LogLevel::error : core::LogLevel::info, "http", "request",
            fields);
}

}  // namespace

std::string session_cookie(const std::string& cookie_header) {
  const std::string key = std::string(kSessionCookie) + "=";
  std::size_t pos = 0;
  while (pos < cookie_header.size()) {
    while (pos < cookie_header.size() && (cookie_header[pos] == ' ' || cookie_header[pos] == ';')) {
      ++pos;
    }
    const auto end = std::min(cookie_header.find(';', pos), cookie_header.size());
    if (cookie_header.compare(pos, key.size(), key) == 0) {
      return cookie_header.substr(pos + key.size(), end - pos - key.size());
    }
    pos = end;
  }
  return {};
}

std::string session_set_cookie(const std::string& token, std::chrono::seconds lifetime) {
  // __Host- prefix: the browser accepts it only with Secure, Path=/ and no
  // Domain, so no subdomain can set or read it.
  const auto max_age = token.empty() ? 0 : lifetime.count();
  return std::string(kSessionCookie) + "=" + token +
         "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
}

Context Dispatcher::make_context(const IncomingRequest& request, const std::string& path) const {
  Context context;
  context.method = request.method;
  context.path = path;
  context.body = request.body;
  context.session_token = session_cookie(request.cookie_header);
  context.cookie_header = request.cookie_header;
  const auto question = request.target.find('?');
  if (question != std::string::npos) context.query = request.target.substr(question + 1);
  context.client_ip = request.client_ip;
  context.user_agent = core::sanitize_utf8(request.user_agent, 256);
  context.request_id = request.request_id.empty() ? new_request_id() : request.request_id;
  context.now = services_.clock.now();
  return context;
}

void Dispatcher::check_origin(const IncomingRequest& request) const {
  // SameSite=Strict already keeps the cookie off cross-site requests; the
  // Origin check also rejects same-site but cross-origin writes.
  if (request.origin != services_.public_origin) {
    throw core::Error(core::ErrorKind::bad_origin,
                      "cross-origin request rejected: the Origin header must be " +
                          services_.public_origin);
  }
}

void Dispatcher::check_rate(const IncomingRequest& request, const RouteSpec& spec) const {
  const auto now = RateLimiter::Clock::now();
  auto wait = request_limiter_.acquire(request.client_ip, now);
  if (wait.count() == 0 && spec.access == Access::anonymous && !is_safe_method(request.method)) {
    wait = sign_in_limiter_.acquire(request.client_ip, now);
  }
  if (wait.count() > 0) {
    throw core::Error(core::ErrorKind::too_many_attempts,
                      "too many requests from your network address; try again in " +
                          std::to_string(wait.count()) + " seconds",
                      {}, "rate limit, retry after " + std::to_string(wait.count()) + " s");
  }
}

void Dispatcher::check_csrf(const IncomingRequest& request, const Context& context) {
  // Defence in depth behind SameSite=Strict and the Origin check: a write
  // must also prove that its page could read the session's JSON.
  if (!identity::csrf_token_matches(context.session_token, request.csrf_token)) {
    throw core::Error(core::ErrorKind::bad_csrf_token,
                      "the X-CSRF-Token header is missing or wrong; reload the page and try again");
  }
}

void Dispatcher::resume(Context& context, Access access) const {
  if (access == Access::anonymous) return;
  auto lease = services_.pool.acquire();
  context.session = identity::resume_session(*lease, context.session_token, context.now,
                                             services_.sessions);
  if (!context.session) {
    throw core::Error(core::ErrorKind::unauthenticated,
                      "your session has ended or you are not signed in; sign in again");
  }
  context.actor = identity::Actor{context.session->user.id, context.session->user.role,
                                  context.client_ip, context.user_agent, context.request_id};
  const auto mfa = identity::mfa_state(*context.session);
  if (access == Access::verified && mfa != identity::MfaState::done &&
      mfa != identity::MfaState::not_required) {
    throw core::Error(core::ErrorKind::mfa_required,
                      "complete two-factor authentication (TOTP) to continue");
  }
}

void Dispatcher::check_roles(const Context& context, const RouteSpec& spec) const {
  if (spec.roles.empty() || !context.actor) return;
  if (std::find(spec.roles.begin(), spec.roles.end(), context.actor->role) != spec.roles.end()) {
    return;
  }
  // A role reaching for a PHI route it has no business with (an admin
  // opening records) is a policy denial, audited like one. If the event
  // cannot be written, append throws and the caller gets 503.
  if (spec.phi) {
    audit::Event event;
    event.event_type = "access.role_denied";
    event.actor_id = context.actor->user_id;
    event.actor_role = identity::to_string(context.actor->role);
    if (const auto patient = context.params.find("patient_id"); patient != context.params.end()) {
      event.patient_id = patient->second;
    }
    event.record_type = "route";
    event.record_id = spec.method + " " + spec.pattern;
    event.outcome = audit::Outcome::denied;
    event.client_ip = context.client_ip;
    event.user_agent = context.user_agent;
    event.request_id = context.request_id;
    auto lease = services_.pool.acquire();
    db::Transaction tx(*lease);
    audit::append(tx, event, context.now);
    tx.commit();
  }
  throw core::Error(core::ErrorKind::forbidden, "your role may not use this function");
}

Response Dispatcher::handle(const IncomingRequest& request) const {
  const auto started = std::chrono::steady_clock::now();
  Context context = make_context(request, path_of(request.target));
  Response response;
  std::string route = "unmatched";
  std::optional<core::Error> failure;
  try {
    const auto match = router_.match(request.method, context.path);
    if (!match) core::throw_not_found();
    route = match->route->spec.pattern;
    check_rate(request, match->route->spec);
    if (!is_safe_method(request.method)) check_origin(request);
    context.params = match->params;
    resume(context, match->route->spec.access);
    if (!is_safe_method(request.method) && match->route->spec.access != Access::anonymous) {
      check_csrf(request, context);
    }
    check_roles(context, match->route->spec);
    response = match->route->handler(context);
  } catch (const core::Error& error) {
    failure = error;
  } catch (const std::exception& error) {
    failure = core::Error(core::ErrorKind::internal, "internal error", {}, error.what());
  }
  if (failure) response = error_response(*failure, context.request_id);
  log_request(context, route, response.status, started, failure ? &*failure : nullptr);
  if (context.set_session_token) {
    response.headers.emplace_back(
        "Set-Cookie", session_set_cookie(*context.set_session_token,
                                         services_.sessions.absolute_lifetime));
  }
  response.headers.emplace_back("X-Request-Id", context.request_id);
  response.audit_tickets = std::move(context.audit_tickets);
  // API responses may carry PHI; none may be stored by a browser or proxy.
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

void Dispatcher::authenticate_upgrade(const IncomingRequest& request, Context& context) const {
  context = make_context(request, path_of(request.target));
  // Browsers send Origin on WebSocket handshakes; checking it stops
  // cross-site WebSocket hijacking.
  check_origin(request);
  resume(context, Access::verified);
}

}  // namespace telehealth::http
