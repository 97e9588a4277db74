#include "app/oidc_config.hpp"

#include <stdexcept>

namespace telehealth::app {

namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& key,
                       const std::string& problem) {
  throw std::runtime_error("config " + file.string() + ": oidc." + key + ": " + problem);
}

std::string text(const std::filesystem::path& file, const json& section, const std::string& key) {
  const auto found = section.find(key);
  if (found == section.end()) fail(file, key, "is required");
  if (!found->is_string() || found->get_ref<const std::string&>().empty()) {
    fail(file, key, "must be a non-empty string");
  }
  return found->get<std::string>();
}

// Reads an optional list of strings; keeps `fallback` when the key is absent.
std::vector<std::string> text_list(const std::filesystem::path& file, const json& section,
                                   const std::string& key, std::vector<std::string> fallback) {
  const auto found = section.find(key);
  if (found == section.end()) return fallback;
  if (!found->is_array()) fail(file, key, "must be a list of strings");
  std::vector<std::string> values;
  for (const auto& entry : *found) {
    if (!entry.is_string()) fail(file, key, "must be a list of strings");
    values.push_back(entry.get<std::string>());
  }
  return values;
}

}  // namespace

std::optional<OidcConfig> read_oidc_config(const std::filesystem::path& file,
                                           const json& document,
                                           const std::string& public_origin) {
  const auto found = document.find("oidc");
  if (found == document.end()) return std::nullopt;
  if (!found->is_object()) fail(file, "", "must be an object");
  const json& section = *found;

  OidcConfig config;
  auto& settings = config.settings;
  settings.issuer = text(file, section, "issuer");
  settings.client_id = text(file, section, "client_id");
  config.client_secret_file = text(file, section, "client_secret_file");
  // The redirect URI can only be our own callback, so it may be left out.
  settings.redirect_uri = section.contains("redirect_uri")
                              ? text(file, section, "redirect_uri")
                              : public_origin + oidc::kCallbackPath;
  settings.display_name = text(file, section, "display_name");
  settings.scopes = text_list(file, section, "scopes", settings.scopes);
  settings.mfa_amr = text_list(file, section, "mfa_amr", settings.mfa_amr);
  settings.mfa_acr = text_list(file, section, "mfa_acr", settings.mfa_acr);
  if (section.contains("ca_file")) settings.ca_file = text(file, section, "ca_file");
  try {
    oidc::validate_settings(settings, public_origin);
  } catch (const std::invalid_argument& error) {
    throw std::runtime_error("config " + file.string() + ": " + error.what());
  }
  return config;
}

}  // namespace telehealth::app
