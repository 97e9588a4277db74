#include "http/routes/break_glass_routes.hpp"

#include "audit/chain.hpp"
#include "db/transaction.hpp"
#include "identity/break_glass.hpp"

namespace telehealth::http {

namespace {

using identity::Role;

nlohmann::json patient_json(const identity::PatientRef& patient) {
  return {{"id", patient.id}, {"display_name", patient.display_name}};
}

nlohmann::json episode_json(const identity::BreakGlassEpisode& episode) {
  return {{"id", episode.id},
          {"patient", patient_json(episode.patient)},
          {"reason", episode.reason},
          {"started_at", core::format_rfc3339(episode.started_at)},
          {"expires_at", core::format_rfc3339(episode.expires_at)}};
}

Response search_patient(Services& services, Context& context) {
  const auto email = require_string(context.json_body(), "email");
  auto lease = services.pool.acquire();
  const auto patient =
      identity::find_patient_for_break_glass(*lease, context.signed_in(), email, context.now);
  if (!patient) core::throw_not_found();
  return json_response(200, {{"patient", patient_json(*patient)}});
}

Response start_episode(Services& services, Context& context) {
  const auto body = context.json_body();
  identity::BreakGlassRequest request;
  request.patient_id = require_uuid(body, "patient_id");
  request.reason = require_string(body, "reason");
  request.justification = require_string(body, "justification");
  auto lease = services.pool.acquire();
  const auto episode =
      identity::start_break_glass(*lease, services.keyring, context.signed_in(), request,
                                  context.now, services.admin.break_glass_lifetime);
  return json_response(201, episode_json(episode));
}

Response list_episodes(Services& services, Context& context) {
  auto lease = services.pool.acquire();
  const auto& actor = context.signed_in();
  auto list = nlohmann::json::array();
  // The list names the patients whose records the clinician opened, so
  // reading it is itself an audited access. The event commits before the
  // response leaves.
  for (const auto& episode :
       identity::list_active_break_glass(*lease, actor.user_id, context.now)) {
    list.push_back(episode_json(episode));
  }
  audit::Event event;
  event.event_type = "break_glass.list";
  event.actor_id = actor.user_id;
  event.actor_role = identity::to_string(actor.role);
  event.record_type = "break_glass_episode";
  event.outcome = audit::Outcome::allowed;
  event.client_ip = actor.client_ip;
  event.user_agent = actor.user_agent;
  event.request_id = actor.request_id;
  db::Transaction tx(*lease);
  audit::append(tx, event, context.now);
  tx.commit();
  return json_response(200, list);
}

}  // namespace

void add_break_glass_routes(Router& router, Services& services) {
  auto bind = [&services](Response (*handler)(Services&, Context&)) {
    return [&services, handler](Context& context) { return handler(services, context); };
  };
  const std::vector<Role> clinicians{Role::clinician};
  router.add({"POST", "/api/break-glass/search", Access::verified, clinicians, true},
             bind(search_patient));
  router.add({"POST", "/api/break-glass/episodes", Access::verified, clinicians, true},
             bind(start_episode));
  router.add({"GET", "/api/break-glass/episodes", Access::verified, clinicians, true},
             bind(list_episodes));
}

}  // namespace telehealth::http
