#include "http/routes/auth_routes.hpp"

#include "identity/authentication.hpp"
#include "identity/sessions.hpp"
#include "video/rooms.hpp"

namespace telehealth::http {

namespace {

// The issuer shown in authenticator apps next to the account.
constexpr const char* kTotpIssuer = "Telehealth";

nlohmann::json user_json(const identity::User& user) {
  return {{"id", user.id},
          {"email", user.email},
          {"role", identity::to_string(user.role)},
          {"display_name", user.display_name}};
}

nlohmann::json session_json(const identity::Session& session) {
  return {{"user", user_json(session.user)},
          {"mfa", identity::to_string(identity::mfa_state(session))}};
}

identity::Actor request_facts(const Context& context) {
  return {{}, identity::Role::patient, context.client_ip, context.user_agent, context.request_id};
}

Response login(Services& services, Context& context) {
  const auto body = context.json_body();
  const auto email = require_string(body, "email");
  const auto password = require_string(body, "password");
  auto lease = services.pool.acquire();
  auto result = identity::sign_in(*lease, email, password, request_facts(context), context.now,
                                  services.sessions);
  // Ending any session the browser already had rotates the token at sign-in.
  if (!context.session_token.empty()) identity::end_session(*lease, context.session_token);
  context.set_session_token = result.token;
  return json_response(200, session_json(result.session));
}

Response logout(Services& services, Context& context) {
  if (!context.session_token.empty()) {
    auto lease = services.pool.acquire();
    identity::end_session(*lease, context.session_token);
    // A consultation opened in this session ends with it.
    services.rooms.close_session(identity::hash_token(context.session_token));
  }
  context.set_session_token = std::string();
  return no_content();
}

Response current_session(Services&, Context& context) {
  return json_response(200, session_json(*context.session));
}

Response totp_enrol(Services& services, Context& context) {
  auto lease = services.pool.acquire();
  const auto enrolment =
      identity::begin_totp_enrolment(*lease, services.keyring, *context.session, kTotpIssuer);
  return json_response(200, {{"otpauth_uri", enrolment.otpauth_uri},
                             {"secret", enrolment.secret_base32}});
}

// Reads the "code" field, finishes MFA with `finish` and returns the
// updated session.
template <typename Finish>
Response finish_totp(Services& services, Context& context, Finish finish) {
  const auto code = require_string(context.json_body(), "code");
  auto lease = services.pool.acquire();
  finish(*lease, services.keyring, *context.session, code, *context.actor, context.now);
  auto session = *context.session;
  session.mfa_done = true;
  session.user.totp_enabled = true;
  return json_response(200, session_json(session));
}

Response totp_confirm(Services& services, Context& context) {
  return finish_totp(services, context, identity::confirm_totp_enrolment);
}

Response totp_verify(Services& services, Context& context) {
  return finish_totp(services, context, identity::verify_totp);
}

Response health(Services& services, Context&) {
  auto lease = services.pool.acquire();
  lease->exec("SELECT 1");
  return json_response(200, {{"status", "ok"}});
}

}  // namespace

void add_auth_routes(Router& router, Services& services) {
  auto bind = [&services](Response (*handler)(Services&, Context&)) {
    return [&services, handler](Context& context) { return handler(services, context); };
  };
  router.add({"GET", "/api/health", Access::anonymous, {}, false}, bind(health));
  router.add({"POST", "/api/auth/login", Access::anonymous, {}, false}, bind(login));
  router.add({"POST", "/api/auth/logout", Access::anonymous, {}, false}, bind(logout));
  router.add({"GET", "/api/auth/session", Access::signed_in, {}, false}, bind(current_session));
  router.add({"POST", "/api/auth/totp/enrol", Access::signed_in, {}, false}, bind(totp_enrol));
  router.add({"POST", "/api/auth/totp/confirm", Access::signed_in, {}, false},
             bind(totp_confirm));
  router.add({"POST", "/api/auth/totp/verify", Access::signed_in, {}, false}, bind(totp_verify));
}

}  // namespace telehealth::http
