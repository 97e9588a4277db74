#include "http/routes/video_routes.hpp"

#include "db/transaction.hpp"
#include "video/consultation.hpp"
#include "video/turn.hpp"

namespace telehealth::http {

namespace {

Response turn_credentials(Services& services, Context& context) {
  auto lease = services.pool.acquire();
  db::Transaction tx(*lease);
  const auto seat = video::take_seat(tx, context.signed_in(), context.param("appointment_id"),
                                     "consultation.turn_credentials", context.now);
  const auto credential =
      video::issue_turn_credential(services.turn.shared_secret, context.signed_in().user_id,
                                   seat.ends_at);
  nlohmann::json server{{"urls", services.turn.urls},
                        {"username", credential.username},
                        {"credential", credential.password}};
  return json_response(200, {{"ice_servers", nlohmann::json::array({server})},
                             {"expires_at", core::format_rfc3339(credential.expires_at)}});
}

}  // namespace

void add_video_routes(Router& router, Services& services) {
  router.add({"GET", "/api/appointments/{appointment_id}/turn", Access::verified,
              {identity::Role::patient, identity::Role::clinician}, true},
             [&services](Context& context) { return turn_credentials(services, context); });
  // The server takes WebSocket upgrades of this path before routing; a plain
  // GET that reaches the router gets 426 Upgrade Required.
  router.add({"GET", "/api/appointments/{appointment_id}/signal", Access::verified,
              {identity::Role::patient, identity::Role::clinician}, true, true},
             [](Context& context) {
               return json_response(
                   426, {{"error",
                          {{"code", "upgrade_required"},
                           {"message", "this is a WebSocket route; open it with a WebSocket "
                                       "upgrade"}}},
                         {"request_id", context.request_id}});
             });
}

}  // namespace telehealth::http
