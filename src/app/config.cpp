#include "app/config.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "audit/chain.hpp"

namespace telehealth::app {

namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& key,
                       const std::string& problem) {
  throw std::runtime_error("config " + file.string() + ": " + key + ": " + problem);
}

const json& require(const std::filesystem::path& file, const json& parent, const std::string& key,
                    json::value_t type, const std::string& path) {
  const auto found = parent.find(key);
  if (found == parent.end()) fail(file, path, "is required");
  const bool type_ok = found->type() == type ||
                       (type == json::value_t::number_unsigned && found->is_number_integer() &&
                        found->get<std::int64_t>() >= 0);
  if (!type_ok) fail(file, path, std::string("must be a ") + json(type).type_name());
  return *found;
}

std::string require_text(const std::filesystem::path& file, const json& parent,
                         const std::string& key, const std::string& path) {
  return require(file, parent, key, json::value_t::string, path).get<std::string>();
}

void parse_listen(const std::filesystem::path& file, const std::string& listen, Config& config) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) fail(file, "listen", "must be host:port, e.g. 127.0.0.1:8443");
  config.listen_host = listen.substr(0, colon);
  try {
    const int port = std::stoi(listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    config.listen_port = static_cast<std::uint16_t>(port);
  } catch (const std::exception&) {
    fail(file, "listen", "the port must be a number from 0 to 65535");
  }
}

// "rate_limits": {"requests_per_minute", "requests_burst", "sign_in_per_minute",
// "sign_in_burst"}, each optional; a per-minute rate of 0 turns that limit off.
void parse_rate_limits(const std::filesystem::path& file, const json& section, Config& config) {
  if (!section.is_object()) fail(file, "rate_limits", "must be an object");
  const auto read = [&](const char* key, double& target) {
    if (section.contains(key)) {
      target = static_cast<double>(
          require(file, section, key, json::value_t::number_unsigned,
                  std::string("rate_limits.") + key)
              .get<std::int64_t>());
    }
  };
  read("requests_per_minute", config.rate_limits.requests.per_minute);
  read("requests_burst", config.rate_limits.requests.burst);
  read("sign_in_per_minute", config.rate_limits.sign_in.per_minute);
  read("sign_in_burst", config.rate_limits.sign_in.burst);
}

// Reads a positive whole number of `Unit` from parent[key] into `out`, if present.
template <typename Unit>
void read_duration(const std::filesystem::path& file, const json& parent, const std::string& key,
                   const std::string& path, std::chrono::seconds& out) {
  if (!parent.contains(key)) return;
  const auto count =
      require(file, parent, key, json::value_t::number_unsigned, path).get<std::int64_t>();
  if (count == 0) fail(file, path, "must be at least 1");
  out = std::chrono::duration_cast<std::chrono::seconds>(Unit(count));
}

void parse_admin(const std::filesystem::path& file, const json& document, admin::Settings& admin) {
  if (document.contains("admin")) {
    const auto& section = require(file, document, "admin", json::value_t::object, "admin");
    read_duration<std::chrono::minutes>(file, section, "elevation_minutes",
                                        "admin.elevation_minutes", admin.elevation_lifetime);
    read_duration<std::chrono::hours>(file, section, "invitation_hours", "admin.invitation_hours",
                                      admin.invitation_lifetime);
  }
  if (document.contains("break_glass")) {
    const auto& section =
        require(file, document, "break_glass", json::value_t::object, "break_glass");
    read_duration<std::chrono::minutes>(file, section, "episode_minutes",
                                        "break_glass.episode_minutes",
                                        admin.break_glass_lifetime);
  }
}

// "audit": {"chain", "max_batch", "checkpoint_events", "checkpoint_seconds",
// "checkpoint_file"}, each optional.
void parse_audit(const std::filesystem::path& file, const json& document, audit::Settings& audit) {
  if (!document.contains("audit")) return;
  const auto& section = require(file, document, "audit", json::value_t::object, "audit");
  if (section.contains("chain")) {
    audit.chain = require_text(file, section, "chain", "audit.chain");
    const bool valid = !audit.chain.empty() && audit.chain.size() <= 63 &&
                       audit.chain.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") ==
                           std::string::npos &&
                       audit.chain[0] != '_' && audit.chain[0] != '-';
    if (!valid) {
      fail(file, "audit.chain",
           "must be 1 to 63 lowercase letters, digits, '_' or '-', starting with a letter or "
           "digit");
    }
  }
  const auto read_count = [&](const char* key, auto& target) {
    if (!section.contains(key)) return;
    const auto path = std::string("audit.") + key;
    const auto value =
        require(file, section, key, json::value_t::number_unsigned, path).get<std::int64_t>();
    if (value == 0) fail(file, path, "must be at least 1");
    target = static_cast<std::remove_reference_t<decltype(target)>>(value);
  };
  read_count("max_batch", audit.max_batch);
  read_count("checkpoint_events", audit.checkpoint_events);
  read_duration<std::chrono::seconds>(file, section, "checkpoint_seconds",
                                      "audit.checkpoint_seconds", audit.checkpoint_interval);
  if (section.contains("checkpoint_file")) {
    audit.checkpoint_file = require_text(file, section, "checkpoint_file", "audit.checkpoint_file");
  }
}

void parse_optional(const std::filesystem::path& file, const json& document, Config& config) {
  if (document.contains("session")) {
    const auto& session = document["session"];
    if (session.contains("idle_timeout_seconds")) {
      config.sessions.idle_timeout = std::chrono::seconds(
          require(file, session, "idle_timeout_seconds", json::value_t::number_unsigned,
                  "session.idle_timeout_seconds").get<std::int64_t>());
    }
    if (session.contains("absolute_timeout_seconds")) {
      config.sessions.absolute_lifetime = std::chrono::seconds(
          require(file, session, "absolute_timeout_seconds", json::value_t::number_unsigned,
                  "session.absolute_timeout_seconds").get<std::int64_t>());
    }
  }
  if (document.contains("rate_limits")) parse_rate_limits(file, document["rate_limits"], config);
  parse_admin(file, document, config.admin);
  parse_audit(file, document, config.audit);
  if (document.contains("log_level")) {
    config.log_level = require_text(file, document, "log_level", "log_level");
  }
  if (document.contains("formulary")) {
    config.formulary = require_text(file, document, "formulary", "formulary");
  }
  if (document.contains("clinic_name")) {
    config.clinic_name = require_text(file, document, "clinic_name", "clinic_name");
    if (config.clinic_name.empty() || config.clinic_name.size() > 200) {
      fail(file, "clinic_name", "must be 1 to 200 characters");
    }
  }
}

}  // namespace

Config load_config(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw std::runtime_error("config " + file.string() +
                             ": cannot be read; run scripts/run.sh once to create it");
  }
  const json document = json::parse(in, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    throw std::runtime_error("config " + file.string() + ": is not a JSON object");
  }

  Config config;
  parse_listen(file, require_text(file, document, "listen", "listen"), config);
  config.public_origin = require_text(file, document, "public_origin", "public_origin");
  const auto& tls = require(file, document, "tls", json::value_t::object, "tls");
  config.tls_certificate = require_text(file, tls, "certificate", "tls.certificate");
  config.tls_private_key = require_text(file, tls, "private_key", "tls.private_key");
  const auto& database = require(file, document, "database", json::value_t::object, "database");
  config.database_url = require_text(file, database, "url", "database.url");
  if (database.contains("pool_size")) {
    config.pool_size = require(file, database, "pool_size", json::value_t::number_unsigned,
                               "database.pool_size").get<std::size_t>();
  }
  config.keyring = require_text(file, document, "keyring", "keyring");
  config.web_root = require_text(file, document, "web_root", "web_root");
  const auto& turn = require(file, document, "turn", json::value_t::object, "turn");
  for (const auto& url : require(file, turn, "urls", json::value_t::array, "turn.urls")) {
    if (!url.is_string()) fail(file, "turn.urls", "must be a list of strings");
    config.turn_urls.push_back(url.get<std::string>());
  }
  config.turn_secret_file = require_text(file, turn, "secret_file", "turn.secret_file");
  parse_optional(file, document, config);
  config.oidc = read_oidc_config(file, document, config.public_origin);
  // Every command that appends audit events loads its configuration first,
  // so this is where the process learns which chain it writes.
  audit::set_chain(config.audit.chain);
  return config;
}

std::string read_secret_file(const std::filesystem::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) {
    throw std::runtime_error("secret file " + file.string() + " cannot be read");
  }
  if ((info.st_mode & 077) != 0) {
    throw std::runtime_error("secret file " + file.string() +
                             " is readable by other users; run chmod 600 on it");
  }
  std::ifstream in(file);
  std::string secret;
  std::getline(in, secret);
  if (secret.empty()) throw std::runtime_error("secret file " + file.string() + " is empty");
  return secret;
}

}  // namespace telehealth::app
