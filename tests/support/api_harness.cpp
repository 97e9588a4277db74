#include "support/api_harness.hpp"

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "identity/sessions.hpp"

namespace telehealth::test {

std::string ApiReply::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

void ApiTest::SetUp() {
  PgTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;

  keyring_dir_ = std::filesystem::temp_directory_path() /
                 ("th-api-test-" + crypto::hex_encode(crypto::random_bytes(8)));
  std::filesystem::create_directories(keyring_dir_);
  keyring_.emplace(crypto::Keyring::open_or_create(keyring_dir_ / "keyring.json"));
  pool_ = std::make_unique<db::Pool>(database().app_dsn(), 4);
  services_ = std::make_unique<http::Services>(http::Services{
      *pool_, *keyring_, clock_, rooms_, identity::SessionPolicy{}, {}, std::string(kOrigin)});
  dispatcher_ = std::make_unique<http::Dispatcher>(router_, *services_);
}

void ApiTest::TearDown() {
  dispatcher_.reset();
  services_.reset();
  pool_.reset();
  keyring_.reset();
  if (!keyring_dir_.empty()) std::filesystem::remove_all(keyring_dir_);
  PgTest::TearDown();
}

std::string ApiTest::sign_in(const std::string& user_id) {
  const auto token =
      identity::start_session(app(), user_id, clock_.now(), services_->sessions);
  database().exec_as_superuser("UPDATE sessions SET mfa_done = true WHERE user_id = $1",
                               {user_id});
  return token;
}

ApiReply ApiTest::call(const std::string& token, const std::string& method,
                       const std::string& target, const nlohmann::json& body) {
  http::IncomingRequest request;
  request.method = method;
  request.target = target;
  request.body = body.is_null() ? "" : body.dump();
  if (!token.empty()) request.cookie_header = "__Host-session=" + token;
  if (method != "GET") {
    request.origin = std::string(kOrigin);
    // What the web app sends: the session's CSRF token.
    if (!token.empty()) request.csrf_token = identity::csrf_token(token);
  }
  request.client_ip = "127.0.0.1";
  request.user_agent = "api_harness";

  const auto response = dispatcher_->handle(request);
  ApiReply reply;
  reply.status = response.status;
  reply.headers = response.headers;
  reply.body = response.body.empty() ? nlohmann::json() : nlohmann::json::parse(response.body);
  return reply;
}

}  // namespace telehealth::test
