#include "http/routes/oidc_routes.hpp"

#include "core/log.hpp"
#include "oidc/detail/url.hpp"
#include "oidc/oidc.hpp"

namespace telehealth::http {

namespace {

// Binds the callback to the browser that started the sign-in. SameSite=Lax,
// not Strict, because the callback is a top-level navigation from the
// provider's site; Lax cookies go with such GET navigations. The __Host-
// prefix makes the browser insist on Secure, Path=/ and no Domain.
constexpr const char* kFlowCookie = "__Host-oidc_flow";

std::string cookie_value(const std::string& header, const std::string& name) {
  const std::string key = name + "=";
  std::size_t pos = 0;
  while (pos < header.size()) {
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == ';')) ++pos;
    const auto end = std::min(header.find(';', pos), header.size());
    if (header.compare(pos, key.size(), key) == 0) {
      return header.substr(pos + key.size(), end - pos - key.size());
    }
    pos = end;
  }
  return {};
}

std::string flow_cookie(const std::string& value, std::chrono::seconds lifetime) {
  const auto max_age = value.empty() ? 0 : lifetime.count();
  return std::string(kFlowCookie) + "=" + value +
         "; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age);
}

Response redirect(const std::string& location) {
  Response response;
  response.status = 303;
  response.content_type.clear();
  response.headers.emplace_back("Location", location);
  return response;
}

// The web app reads sso_error from the query and explains it; the codes are
// listed in docs/api.md and carry no personal data.
Response redirect_with_error(const std::string& reason) {
  return redirect("/?sso_error=" + oidc::detail::percent_encode(reason));
}

Response status(oidc::Client* client, Context&) {
  if (client == nullptr) return json_response(200, {{"enabled", false}});
  return json_response(200, {{"enabled", true},
                             {"display_name", client->settings().display_name},
                             {"start_url", "/api/auth/oidc/start"}});
}

Response start(Services& services, oidc::Client& client, Context& context) {
  try {
    auto lease = services.pool.acquire();
    const auto request = client.start(*lease, context.now);
    Response response = redirect(request.url);
    response.status = 302;
    response.headers.emplace_back(
        "Set-Cookie", flow_cookie(request.browser_key, client.settings().flow_lifetime));
    return response;
  } catch (const oidc::LoginFailed& failure) {
    return redirect_with_error(failure.reason());
  }
}

Response callback(Services& services, oidc::Client& client, Context& context) {
  using oidc::detail::query_parameter;
  const oidc::CallbackParameters parameters{query_parameter(context.query, "code"),
                                            query_parameter(context.query, "state"),
                                            query_parameter(context.query, "error"),
                                            query_parameter(context.query, "iss"),
                                            cookie_value(context.cookie_header, kFlowCookie)};
  const identity::Actor request{{}, identity::Role::patient, context.client_ip,
                                context.user_agent, context.request_id};
  auto lease = services.pool.acquire();
  Response response;
  try {
    const auto result =
        client.finish(*lease, parameters, request, context.now, services.sessions);
    // Ending any session the browser already had rotates the token at sign-in.
    if (!context.session_token.empty()) identity::end_session(*lease, context.session_token);
    context.set_session_token = result.token;
    // A redirect to our own page starts a new, same-site navigation; the web
    // app's requests from that page carry the SameSite=Strict session cookie
    // set here, although this response ends a cross-site redirect chain.
    response = redirect("/");
  } catch (const oidc::LoginFailed& failure) {
    response = redirect_with_error(failure.reason());
  }
  // The flow is single use: its cookie goes whatever the outcome.
  response.headers.emplace_back("Set-Cookie", flow_cookie({}, {}));
  return response;
}

}  // namespace

void add_oidc_routes(Router& router, Services& services, oidc::Client* client) {
  router.add({"GET", "/api/auth/oidc", Access::anonymous, {}, false},
             [client](Context& context) { return status(client, context); });
  if (client == nullptr) return;
  router.add({"GET", "/api/auth/oidc/start", Access::anonymous, {}, false},
             [&services, client](Context& context) { return start(services, *client, context); });
  router.add({"GET", oidc::kCallbackPath, Access::anonymous, {}, false},
             [&services, client](Context& context) {
               return callback(services, *client, context);
             });
}

}  // namespace telehealth::http
