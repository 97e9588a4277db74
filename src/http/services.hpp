#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "admin/settings.hpp"
#include "core/time.hpp"
#include "db/pool.hpp"
#include "http/rate_limit.hpp"
#include "identity/sessions.hpp"

namespace telehealth::crypto {
class Keyring;
}
namespace telehealth::audit {
class Writer;
}
namespace telehealth::video {
class Rooms;
}
namespace telehealth::messaging {
class LiveHub;
}
namespace telehealth::records {
class Formulary;
}

namespace telehealth::http {

struct TurnSettings {
  std::vector<std::string> urls;  // "turn:127.0.0.1:3478?transport=udp", ...
  std::string shared_secret;      // coturn's static-auth-secret
};

/// Everything route handlers share, owned by main and alive for the
/// server's whole life.
struct Services {
  db::Pool& pool;
  crypto::Keyring& keyring;
  const core::Clock& clock;
  video::Rooms& rooms;
  identity::SessionPolicy sessions;
  TurnSettings turn;
  std::string public_origin;  // "https://localhost:8443"; unsafe methods must come from it
  RateLimits rate_limits{};
  admin::Settings admin{};    // elevation, invitation and break-glass lifetimes
  /// The group-commit writer for PHI read events; null where none runs (the
  /// `routes` command), and then reads append in their own transaction.
  audit::Writer* audit_writer = nullptr;
  std::string clinic_name = "Telehealth clinic";  // shown in patients' access reports
  /// Live message events (GET /api/messages/live); null where none runs,
  /// and then nothing is pushed.
  messaging::LiveHub* live_messages = nullptr;
  /// The prescribable products; null where none is loaded (the `routes`
  /// command), and then GET /api/formulary and prescribing return 503.
  const records::Formulary* formulary = nullptr;
};

}  // namespace telehealth::http
