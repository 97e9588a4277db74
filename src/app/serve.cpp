#include <openssl/ssl.h>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <iostream>
#include <thread>

#include "app/commands.hpp"
#include "app/config.hpp"
#include "audit/checkpoint.hpp"
#include "audit/partitions.hpp"
#include "audit/writer.hpp"
#include "core/log.hpp"
#include "crypto/keyring.hpp"
#include "http/dispatcher.hpp"
#include "http/routes/admin_routes.hpp"
#include "http/routes/audit_routes.hpp"
#include "http/routes/auth_routes.hpp"
#include "http/routes/break_glass_routes.hpp"
#include "http/routes/oidc_routes.hpp"
#include "http/routes/passkey_routes.hpp"
#include "http/routes/video_routes.hpp"
#include "http/server.hpp"
#include "records/formulary.hpp"
#include "video/rooms.hpp"
#if __has_include("http/routes/scheduling_routes.hpp")
#include "http/routes/scheduling_routes.hpp"
#endif
#if __has_include("http/routes/records_routes.hpp")
#include "http/routes/records_routes.hpp"
#include "http/routes/timeline_routes.hpp"
#endif
#include "http/routes/messaging_routes.hpp"
#include "messaging/live.hpp"
#include "http/routes/prescription_routes.hpp"

namespace telehealth::app {

namespace asio = boost::asio;

namespace {

// TLS 1.2 or newer only (HIPAA transmission security, NIST SP 800-52r2).
void configure_tls(asio::ssl::context& tls, const Config& config) {
  tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
  tls.use_certificate_chain_file(config.tls_certificate.string());
  tls.use_private_key_file(config.tls_private_key.string(), asio::ssl::context::pem);
}

http::Router build_routes(http::Services& services, oidc::Client* oidc_client) {
  http::Router router;
  http::add_auth_routes(router, services);
  http::add_oidc_routes(router, services, oidc_client);
  http::add_passkey_routes(router, services);
#if __has_include("http/routes/scheduling_routes.hpp")
  http::add_scheduling_routes(router, services);
#endif
#if __has_include("http/routes/records_routes.hpp")
  http::add_records_routes(router, services);
  http::add_timeline_routes(router, services);
#endif
  http::add_messaging_routes(router, services);
  http::add_prescription_routes(router, services);
  http::add_video_routes(router, services);
  http::add_admin_routes(router, services);
  http::add_break_glass_routes(router, services);
  http::add_audit_routes(router, services);
  return router;
}

}  // namespace

int run_print_routes(const std::filesystem::path& config_file) {
  const Config config = load_config(config_file);
  // The handlers are only bound, never called, so the pool stays unconnected
  // and no secret is read.
  auto keyring = crypto::Keyring::open_or_create(config.keyring);
  db::Pool pool(config.database_url, 1);
  core::SystemClock clock;
  video::Rooms rooms;
  audit::Writer audit_writer({config.database_url, config.audit.chain, config.audit.max_batch},
                             clock);
  http::Services services{pool, keyring, clock, rooms, config.sessions, {}, config.public_origin};
  // Without its client secret, which only the token request needs.
  std::unique_ptr<oidc::Client> oidc_client;
  if (config.oidc) oidc_client = std::make_unique<oidc::Client>(config.oidc->settings);
  const http::Router router = build_routes(services, oidc_client.get());

  nlohmann::json routes = nlohmann::json::array();
  for (const auto& route : router.routes()) {
    const auto& spec = route.spec;
    nlohmann::json roles = nlohmann::json::array();
    for (const auto role : spec.roles) roles.push_back(identity::to_string(role));
    routes.push_back({{"method", spec.method},
                      {"pattern", spec.pattern},
                      {"access", http::to_string(spec.access)},
                      {"roles", roles},
                      {"phi", spec.phi},
                      {"websocket", spec.websocket}});
  }
  std::cout << routes.dump(2) << '\n';
  return 0;
}

int run_serve(const std::filesystem::path& config_file) {
  const Config config = load_config(config_file);
  core::init_logging(config.log_level);
  // A malformed formulary stops start-up with the file and entry named.
  const auto formulary = records::Formulary::load(config.formulary);

  auto keyring = crypto::Keyring::open_or_create(config.keyring);
  db::Pool pool(config.database_url, config.pool_size);
  { auto probe = pool.acquire(); }  // fail at start-up, not at the first request
  // Every audit insert needs a partition for its month: create them now, and
  // daily from here on (src/audit/partitions.hpp).
  audit::create_partitions(*pool.acquire());
  audit::PartitionMaintainer partition_maintainer(config.database_url);
  core::SystemClock clock;
  video::Rooms rooms;
  // Declared before the writer, so that it outlives the thread that calls it.
  audit::Checkpointer checkpointer(keyring, config.audit);
  audit::Writer audit_writer({config.database_url, config.audit.chain, config.audit.max_batch},
                             clock);
  audit_writer.set_listener(&checkpointer);
  http::Services services{pool,
                          keyring,
                          clock,
                          rooms,
                          config.sessions,
                          {config.turn_urls, read_secret_file(config.turn_secret_file)},
                          config.public_origin,
                          config.rate_limits,
                          config.admin,
                          &audit_writer};
  services.clinic_name = config.clinic_name;
  services.formulary = &formulary;
  std::unique_ptr<oidc::Client> oidc_client;
  if (config.oidc) {
    auto settings = config.oidc->settings;
    settings.client_secret = read_secret_file(config.oidc->client_secret_file);
    oidc_client = std::make_unique<oidc::Client>(std::move(settings));
  }
  const http::Router router = build_routes(services, oidc_client.get());
  const http::Dispatcher dispatcher(router, services);
  const http::StaticFiles files(config.web_root);

  asio::io_context io;
  // After `io`, so that the connections it keeps at exit close while their
  // io_context exists.
  messaging::LiveHub live_messages;
  services.live_messages = &live_messages;
  asio::ssl::context tls(asio::ssl::context::tls_server);
  configure_tls(tls, config);
  asio::thread_pool workers(config.pool_size);
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(config.listen_host),
                                         config.listen_port);
  http::Server server(io, tls, endpoint, dispatcher, files, services, workers);
  server.start();

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });
  core::log(core::LogLevel::info, "app", "listening",
            {{"address", config.listen_host},
             {"port", server.local_endpoint().port()},
             {"origin", config.public_origin}});

  std::thread second_io_thread([&io] { io.run(); });
  io.run();
  second_io_thread.join();
  workers.join();
  audit_writer.stop();  // before `io` goes: its last callbacks post there
  core::log(core::LogLevel::info, "app", "stopped");
  return 0;
}

}  // namespace telehealth::app
