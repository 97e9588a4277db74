#include "http/routes/admin_routes.hpp"

#include <algorithm>

#include "admin/break_glass_review.hpp"
#include "admin/elevation.hpp"
#include "admin/invitations.hpp"
#include "admin/user_admin.hpp"
#include "identity/sessions.hpp"
#include "messaging/live.hpp"
#include "video/rooms.hpp"

namespace telehealth::http {

namespace {

using identity::Role;

nlohmann::json user_summary_json(const identity::User& user) {
  return {{"id", user.id},
          {"email", user.email},
          {"display_name", user.display_name},
          {"role", identity::to_string(user.role)},
          {"active", user.active},
          {"totp_enabled", user.totp_enabled}};
}

nlohmann::json optional_time(const std::optional<core::Seconds>& time) {
  return time ? nlohmann::json(core::format_rfc3339(*time)) : nlohmann::json(nullptr);
}

nlohmann::json episode_review_json(const admin::EpisodeReview& review) {
  return {
      {"id", review.id},
      {"clinician", {{"id", review.clinician.id}, {"display_name", review.clinician.display_name}}},
      {"patient", {{"id", review.patient.id}, {"display_name", review.patient.display_name}}},
      {"reason", review.reason},
      {"justification", review.justification},
      {"started_at", core::format_rfc3339(review.started_at)},
      {"expires_at", core::format_rfc3339(review.expires_at)},
      {"audit_events", review.audit_events},
      {"reviewed_at", optional_time(review.reviewed_at)},
      {"reviewed_by",
       review.reviewed_by ? nlohmann::json(*review.reviewed_by) : nlohmann::json(nullptr)},
      {"review_note",
       review.review_note ? nlohmann::json(*review.review_note) : nlohmann::json(nullptr)}};
}

Role require_role(const nlohmann::json& body) {
  const auto text = require_string(body, "role");
  const auto role = identity::parse_role(text);
  if (!role) core::throw_invalid_field("role", "must be one of patient, clinician, admin, auditor");
  return *role;
}

// Runs an admin function only inside an elevated session.
void require_elevated(Services& services, const Context& context) {
  auto lease = services.pool.acquire();
  admin::require_elevation(*lease, context.session->token_hash, context.now);
}

// Closes the signaling sockets of the sessions a change ended, and clears
// the caller's cookie when their own session was among them.
Response user_change_response(Services& services, Context& context,
                              const admin::UserChange& change) {
  for (const auto& token_hash : change.ended_sessions) {
    services.rooms.close_session(token_hash);
    if (services.live_messages != nullptr) services.live_messages->close_session(token_hash);
  }
  const auto& own = context.session->token_hash;
  if (std::find(change.ended_sessions.begin(), change.ended_sessions.end(), own) !=
      change.ended_sessions.end()) {
    context.set_session_token = std::string();
  }
  return json_response(200, user_summary_json(change.user));
}

Response elevate(Services& services, Context& context) {
  const auto code = require_string(context.json_body(), "code");
  auto lease = services.pool.acquire();
  const auto elevation =
      admin::elevate(*lease, services.keyring, *context.session, code, context.signed_in(),
                     context.now, services.admin.elevation_lifetime);
  context.set_session_token = elevation.token;
  // The new token has its own CSRF token, which the web app must use from now on.
  return json_response(200, {{"elevated_until", core::format_rfc3339(elevation.elevated_until)},
                             {"csrf_token", identity::csrf_token(elevation.token)}});
}

Response get_elevation(Services& services, Context& context) {
  auto lease = services.pool.acquire();
  const auto until = admin::elevated_until(*lease, context.session->token_hash, context.now);
  return json_response(200, {{"elevated_until", optional_time(until)}});
}

Response end_elevation(Services& services, Context& context) {
  auto lease = services.pool.acquire();
  admin::end_elevation(*lease, context.session->token_hash, context.signed_in(), context.now);
  return no_content();
}

Response list_users(Services& services, Context& context) {
  require_elevated(services, context);
  auto lease = services.pool.acquire();
  auto list = nlohmann::json::array();
  for (const auto& summary : admin::list_users(*lease, context.signed_in(), context.now)) {
    auto json = user_summary_json(summary.user);
    json["created_at"] = core::format_rfc3339(summary.created_at);
    json["locked"] = summary.locked;
    list.push_back(std::move(json));
  }
  return json_response(200, list);
}

Response invite(Services& services, Context& context) {
  require_elevated(services, context);
  const auto body = context.json_body();
  const auto email = require_string(body, "email");
  const auto role = require_role(body);
  auto lease = services.pool.acquire();
  const auto invitation = admin::create_invitation(*lease, context.signed_in(), email, role,
                                                   context.now, services.admin.invitation_lifetime);
  // The token travels in the URL fragment, which browsers never send to a
  // server, so it reaches no access log.
  return json_response(
      201, {{"id", invitation.id},
            {"email", invitation.email},
            {"role", identity::to_string(invitation.role)},
            {"expires_at", core::format_rfc3339(invitation.expires_at)},
            {"link", services.public_origin + "/#/invitation?token=" + invitation.token}});
}

template <typename Change>
Response change_user(Services& services, Context& context, Change change) {
  require_elevated(services, context);
  auto lease = services.pool.acquire();
  return user_change_response(services, context, change(*lease, context.param("user_id")));
}

Response deactivate(Services& services, Context& context) {
  return change_user(services, context, [&](db::Connection& connection, const std::string& id) {
    return admin::set_user_active(connection, context.signed_in(), id, false, context.now);
  });
}

Response reactivate(Services& services, Context& context) {
  return change_user(services, context, [&](db::Connection& connection, const std::string& id) {
    return admin::set_user_active(connection, context.signed_in(), id, true, context.now);
  });
}

Response reset_mfa(Services& services, Context& context) {
  return change_user(services, context, [&](db::Connection& connection, const std::string& id) {
    return admin::reset_user_mfa(connection, context.signed_in(), id, context.now);
  });
}

Response assign_role(Services& services, Context& context) {
  // Elevation before the body, so an unelevated admin learns nothing from it.
  require_elevated(services, context);
  const auto role = require_role(context.json_body());
  return change_user(services, context, [&](db::Connection& connection, const std::string& id) {
    return admin::set_user_role(connection, context.signed_in(), id, role, context.now);
  });
}

Response list_break_glass(Services& services, Context& context) {
  require_elevated(services, context);
  auto lease = services.pool.acquire();
  auto list = nlohmann::json::array();
  for (const auto& review :
       admin::list_episodes(*lease, services.keyring, context.signed_in(), context.now)) {
    list.push_back(episode_review_json(review));
  }
  return json_response(200, list);
}

Response review_break_glass(Services& services, Context& context) {
  require_elevated(services, context);
  const auto note = require_string(context.json_body(), "note");
  auto lease = services.pool.acquire();
  return json_response(200, episode_review_json(admin::review_episode(
                                *lease, services.keyring, context.signed_in(),
                                context.param("episode_id"), note, context.now)));
}

Response lookup_invitation(Services& services, Context& context) {
  const auto token = require_string(context.json_body(), "token");
  auto lease = services.pool.acquire();
  const auto details = admin::find_invitation(*lease, token, context.now);
  return json_response(200, {{"email", details.email},
                             {"role", identity::to_string(details.role)},
                             {"expires_at", core::format_rfc3339(details.expires_at)}});
}

Response accept_invitation(Services& services, Context& context) {
  const auto body = context.json_body();
  const auto token = require_string(body, "token");
  const auto display_name = require_string(body, "display_name");
  const auto password = require_string(body, "password");
  const identity::Actor request{
      {}, Role::patient, context.client_ip, context.user_agent, context.request_id};
  auto lease = services.pool.acquire();
  const auto user_id =
      admin::accept_invitation(*lease, token, display_name, password, request, context.now);
  return json_response(201, {{"user_id", user_id}});
}

}  // namespace

void add_admin_routes(Router& router, Services& services) {
  auto bind = [&services](Response (*handler)(Services&, Context&)) {
    return [&services, handler](Context& context) { return handler(services, context); };
  };
  const std::vector<Role> admins{Role::admin};
  router.add({"POST", "/api/admin/elevate", Access::verified, admins, false}, bind(elevate));
  router.add({"GET", "/api/admin/elevation", Access::verified, admins, false}, bind(get_elevation));
  router.add({"POST", "/api/admin/elevation/end", Access::verified, admins, false},
             bind(end_elevation));
  router.add({"GET", "/api/admin/users", Access::verified, admins, false}, bind(list_users));
  router.add({"POST", "/api/admin/invitations", Access::verified, admins, false}, bind(invite));
  router.add({"POST", "/api/admin/users/{user_id}/deactivate", Access::verified, admins, false},
             bind(deactivate));
  router.add({"POST", "/api/admin/users/{user_id}/reactivate", Access::verified, admins, false},
             bind(reactivate));
  router.add({"POST", "/api/admin/users/{user_id}/mfa-reset", Access::verified, admins, false},
             bind(reset_mfa));
  router.add({"POST", "/api/admin/users/{user_id}/role", Access::verified, admins, false},
             bind(assign_role));
  router.add({"GET", "/api/admin/break-glass", Access::verified, admins, false},
             bind(list_break_glass));
  router.add(
      {"POST", "/api/admin/break-glass/{episode_id}/review", Access::verified, admins, false},
      bind(review_break_glass));
  router.add({"POST", "/api/invitations/lookup", Access::anonymous, {}, false},
             bind(lookup_invitation));
  router.add({"POST", "/api/invitations/accept", Access::anonymous, {}, false},
             bind(accept_invitation));
}

}  // namespace telehealth::http
