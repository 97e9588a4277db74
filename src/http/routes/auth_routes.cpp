#include "http/routes/auth_routes.hpp"

#include "core/error.hpp"
#include "identity/authentication.hpp"
#include "identity/recovery_codes.hpp"
#include "identity/sessions.hpp"
#include "messaging/live.hpp"
#include "video/rooms.hpp"

namespace telehealth::http {

namespace {

// Closes the live message sockets of an ended session at once, rather than
// at their next session recheck.
void close_live_messages(Services& services, const std::string& token_hash) {
  if (services.live_messages != nullptr) services.live_messages->close_session(token_hash);
}

// The issuer shown in authenticator apps next to the account.
constexpr const char* kTotpIssuer = "Telehealth";

nlohmann::json user_json(const identity::User& user) {
  return {{"id", user.id},
          {"email", user.email},
          {"role", identity::to_string(user.role)},
          {"display_name", user.display_name}};
}

}  // namespace

nlohmann::json session_json(const Services& services, const identity::Session& session,
                            const std::string& token) {
  return {{"user", user_json(session.user)},
          {"mfa", identity::to_string(identity::mfa_state(session))},
          {"csrf_token", identity::csrf_token(token)},
          {"idle_timeout_seconds", services.sessions.idle_timeout.count()}};
}

Response mfa_completed(Services& services, db::Connection& connection, Context& context,
                       bool totp_enrolled) {
  const auto token = identity::rotate_session(connection, context.session_token);
  context.set_session_token = token;
  auto session = *context.session;
  session.token_hash = identity::hash_token(token);
  session.mfa_done = true;
  if (totp_enrolled) session.user.totp_enabled = true;
  return json_response(200, session_json(services, session, token));
}

namespace {

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
  return json_response(200, session_json(services, result.session, result.token));
}

Response logout(Services& services, Context& context) {
  if (!context.session_token.empty()) {
    auto lease = services.pool.acquire();
    identity::end_session(*lease, context.session_token);
    // A consultation opened in this session ends with it.
    services.rooms.close_session(identity::hash_token(context.session_token));
    close_live_messages(services, identity::hash_token(context.session_token));
  }
  context.set_session_token = std::string();
  return no_content();
}

Response current_session(Services& services, Context& context) {
  return json_response(200, session_json(services, *context.session, context.session_token));
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
  return mfa_completed(services, *lease, context, true);
}

Response totp_confirm(Services& services, Context& context) {
  return finish_totp(services, context, identity::confirm_totp_enrolment);
}

Response totp_verify(Services& services, Context& context) {
  return finish_totp(services, context, identity::verify_totp);
}

Response recovery_code_verify(Services& services, Context& context) {
  const auto code = require_string(context.json_body(), "code");
  auto lease = services.pool.acquire();
  identity::verify_recovery_code(*lease, *context.session, code, *context.actor, context.now);
  return mfa_completed(services, *lease, context, false);
}

Response recovery_codes_status(Services& services, Context& context) {
  auto lease = services.pool.acquire();
  return json_response(
      200, {{"remaining", identity::remaining_recovery_codes(*lease, context.actor->user_id)}});
}

Response recovery_codes_generate(Services& services, Context& context) {
  if (!context.session->user.totp_enabled) {
    throw core::Error(core::ErrorKind::conflict,
                      "set up an authenticator app (TOTP) first; recovery codes replace it "
                      "when it is lost");
  }
  auto lease = services.pool.acquire();
  const auto codes = identity::generate_recovery_codes(*lease, *context.session,
                                                       *context.actor, context.now);
  return json_response(200, {{"codes", codes}});
}

Response password_change(Services& services, Context& context) {
  const auto body = context.json_body();
  const auto current = require_string(body, "current_password");
  const auto fresh = require_string(body, "new_password");
  auto lease = services.pool.acquire();
  const auto ended = identity::change_password(*lease, *context.session, current, fresh,
                                               *context.actor, context.now);
  for (const auto& hash : ended) services.rooms.close_session(hash);
  for (const auto& hash : ended) close_live_messages(services, hash);
  // A new password is a change of credentials: this session gets a new token
  // too. Consultation sockets are keyed by the old token, so they close.
  const auto token = identity::rotate_session(*lease, context.session_token);
  services.rooms.close_session(context.session->token_hash);
  close_live_messages(services, context.session->token_hash);
  context.set_session_token = token;
  auto session = *context.session;
  session.token_hash = identity::hash_token(token);
  return json_response(200, session_json(services, session, token));
}

Response sessions_list(Services& services, Context& context) {
  auto lease = services.pool.acquire();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& entry :
       identity::list_sessions(*lease, context.actor->user_id, context.session->token_hash,
                               context.now, services.sessions)) {
    list.push_back({{"id", entry.id},
                    {"client_ip", entry.client_ip},
                    {"user_agent", entry.user_agent},
                    {"created_at", core::format_rfc3339(entry.created_at)},
                    {"last_seen_at", core::format_rfc3339(entry.last_seen_at)},
                    {"current", entry.current}});
  }
  return json_response(200, {{"sessions", list}});
}

Response sessions_end(Services& services, Context& context) {
  auto lease = services.pool.acquire();
  const auto ended =
      identity::end_session_by_id(*lease, context.actor->user_id, context.param("session_id"));
  if (!ended) core::throw_not_found();
  // The consultations that session opened end with it.
  services.rooms.close_session(*ended);
  close_live_messages(services, *ended);
  if (*ended == context.session->token_hash) context.set_session_token = std::string();
  return no_content();
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
  router.add({"POST", "/api/auth/recovery-codes/verify", Access::signed_in, {}, false},
             bind(recovery_code_verify));
  router.add({"GET", "/api/auth/recovery-codes", Access::verified, {}, false},
             bind(recovery_codes_status));
  router.add({"POST", "/api/auth/recovery-codes", Access::verified, {}, false},
             bind(recovery_codes_generate));
  router.add({"POST", "/api/auth/password", Access::verified, {}, false},
             bind(password_change));
  router.add({"GET", "/api/auth/sessions", Access::verified, {}, false}, bind(sessions_list));
  router.add({"DELETE", "/api/auth/sessions/{session_id}", Access::verified, {}, false},
             bind(sessions_end));
}

}  // namespace telehealth::http
