#pragma once

#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "oidc/oidc.hpp"

namespace telehealth::app {

/// The optional `oidc` section of the configuration. The client secret is
/// read from its file by `telehealth serve` only, so other commands work
/// without it.
struct OidcConfig {
  oidc::Settings settings;
  std::filesystem::path client_secret_file;
};

/// Reads and checks `document["oidc"]`; returns nullopt when the section is
/// absent (single sign-on off). Throws std::runtime_error naming the file and
/// the key for a missing or invalid setting.
std::optional<OidcConfig> read_oidc_config(const std::filesystem::path& file,
                                           const nlohmann::json& document,
                                           const std::string& public_origin);

}  // namespace telehealth::app
