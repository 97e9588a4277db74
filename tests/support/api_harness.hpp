#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "crypto/keyring.hpp"
#include "db/pool.hpp"
#include "http/dispatcher.hpp"
#include "http/router.hpp"
#include "http/services.hpp"
#include "support/pg_fixture.hpp"
#include "video/rooms.hpp"

// Drives routes through http::Dispatcher, as the server does, against a
// throwaway database: sessions, Origin, MFA, roles and the error mapping all
// apply, and no socket is opened.

namespace telehealth::test {

/// A clock that stays where a test sets it.
class FixedClock final : public core::Clock {
 public:
  explicit FixedClock(core::Seconds now) : now_(now) {}
  core::Seconds now() const override { return now_; }
  void set(core::Seconds now) { now_ = now; }

 private:
  core::Seconds now_;
};

/// One response, with the body parsed as JSON (null when empty).
struct ApiReply {
  unsigned status = 0;
  nlohmann::json body;
  std::string header(std::string_view name) const;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Fixture with a Dispatcher over `router()`, which starts empty: a test
/// suite adds the routes it covers in its SetUp, after ApiTest::SetUp.
class ApiTest : public PgTest {
 protected:
  static constexpr std::string_view kOrigin = "https://localhost:8443";

  void SetUp() override;
  void TearDown() override;

  http::Router& router() { return router_; }
  http::Services& services() { return *services_; }
  FixedClock& clock() { return clock_; }

  /// Starts a session for `user_id` with MFA marked done, and returns the
  /// session token for `call`.
  std::string sign_in(const std::string& user_id);

  /// Sends a request with the session `token` (none when empty) and, for
  /// state-changing methods, the server's own Origin.
  ApiReply call(const std::string& token, const std::string& method, const std::string& target,
                const nlohmann::json& body = nullptr);

 private:
  FixedClock clock_{core::parse_rfc3339("2031-03-03T08:00:00Z").value()};
  std::filesystem::path keyring_dir_;
  std::optional<crypto::Keyring> keyring_;
  std::unique_ptr<db::Pool> pool_;
  video::Rooms rooms_;
  std::unique_ptr<http::Services> services_;
  http::Router router_;
  std::unique_ptr<http::Dispatcher> dispatcher_;
};

}  // namespace telehealth::test
