#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/oidc_config.hpp"
#include "http/rate_limit.hpp"
#include "admin/settings.hpp"
#include "audit/settings.hpp"
#include "identity/sessions.hpp"

namespace telehealth::app {

/// The settings of `telehealth serve`, read from a JSON file (scripts/run.sh
/// writes one to .run/telehealth.json). Relative paths are taken from the
/// current directory.
struct Config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8443;
  std::string public_origin;  // scheme://host:port the browser uses
  std::filesystem::path tls_certificate;
  std::filesystem::path tls_private_key;
  std::string database_url;   // libpq DSN of the application role
  std::size_t pool_size = 8;
  std::filesystem::path keyring;
  std::filesystem::path web_root;
  std::vector<std::string> turn_urls;
  std::filesystem::path turn_secret_file;
  identity::SessionPolicy sessions;
  http::RateLimits rate_limits;
  admin::Settings admin;
  audit::Settings audit;
  std::string log_level = "info";
  /// The clinic's name as patients see it in their access report.
  std::string clinic_name = "Telehealth clinic";
  std::optional<OidcConfig> oidc;  // single sign-on; absent when not configured
  /// The prescribable products (data/formulary/README.md); relative to the
  /// current directory, like every path here.
  std::filesystem::path formulary = "data/formulary/rxnorm_subset.json";
};

/// Reads and checks the file; throws std::runtime_error naming the file, the
/// key and what to do for a missing or invalid setting.
Config load_config(const std::filesystem::path& file);

/// Reads a secret from a file that only its owner may read (mode 0600 or
/// stricter); throws naming the file otherwise.
std::string read_secret_file(const std::filesystem::path& file);

}  // namespace telehealth::app
