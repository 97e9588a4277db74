#pragma once

// Single sign-on for staff through an OpenID Connect provider: the
// authorization code flow with PKCE (RFC 7636, S256), state and nonce, and
// ID token checks (OpenID Connect Core 1.0, section 3.1).

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "audit/event.hpp"
#include "core/time.hpp"
#include "db/connection.hpp"
#include "identity/actor.hpp"
#include "identity/sessions.hpp"

namespace telehealth::oidc {

/// The `oidc` section of the server configuration.
struct Settings {
  std::string issuer;         // compared exactly with "iss" and the discovery document
  std::string client_id;
  std::string client_secret;  // read from a 0600 file; never logged
  /// The one registered redirect URI: our origin followed by kCallbackPath.
  std::string redirect_uri;
  std::vector<std::string> scopes{"openid", "email"};
  std::filesystem::path ca_file;  // trusted in addition to the system store; may be empty
  /// "amr" values (RFC 8176) and "acr" values that count as multi-factor
  /// authentication at the provider. Any one match is enough.
  std::vector<std::string> mfa_amr{"mfa"};
  std::vector<std::string> mfa_acr;
  std::string display_name;  // the provider's name on the sign-in button
  /// How long a started sign-in may take at the provider.
  std::chrono::seconds flow_lifetime{10 * 60};
};

/// The path of the callback route; the redirect URI must end in it.
inline constexpr const char* kCallbackPath = "/api/auth/oidc/callback";

/// A sign-in through the provider that did not succeed. `reason()` is one of
/// the codes listed in docs/api.md; it is audited, logged and safe to show.
/// `outcome()` is denied for a rejected request and failed when the provider
/// could not be used.
class LoginFailed : public std::runtime_error {
 public:
  LoginFailed(std::string reason, audit::Outcome outcome, const std::string& detail)
      : std::runtime_error(detail), reason_(std::move(reason)), outcome_(outcome) {}
  const std::string& reason() const noexcept { return reason_; }
  audit::Outcome outcome() const noexcept { return outcome_; }

 private:
  std::string reason_;
  audit::Outcome outcome_;
};

/// Where to send the browser, and the random value for its short-lived
/// flow cookie that ties the callback to this browser.
struct AuthorizationRequest {
  std::string url;
  std::string browser_key;
};

/// The query parameters of the callback and the browser's flow cookie.
struct CallbackParameters {
  std::optional<std::string> code;
  std::optional<std::string> state;
  std::optional<std::string> error;
  std::optional<std::string> issuer;  // the "iss" parameter (RFC 9207), when the provider sends it
  std::string browser_key;  // empty when the cookie is missing
};

struct LoginResult {
  std::string token;  // the new session's token, for the cookie only
  identity::Session session;
  bool mfa_from_provider = false;
};

class Provider;

/// One configured provider. Caches its discovery document and JWKS; safe to
/// share between request threads.
class Client {
 public:
  explicit Client(Settings settings);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const Settings& settings() const noexcept { return settings_; }

  /// Stores a new flow (hashes of state, nonce and browser key) and returns
  /// the provider's authorization URL. Throws LoginFailed (failed) when the
  /// discovery document cannot be fetched.
  AuthorizationRequest start(db::Connection& connection, core::Seconds now);

  /// Consumes the flow named by `state`, exchanges the code, verifies the ID
  /// token, finds the linked staff user and starts a session whose MFA is
  /// complete only when the token's amr or acr shows it. Every outcome is
  /// audited as "auth.oidc_login". Throws LoginFailed.
  LoginResult finish(db::Connection& connection, const CallbackParameters& callback,
                     const identity::Actor& request, core::Seconds now,
                     const identity::SessionPolicy& policy);

 private:
  Settings settings_;
  std::unique_ptr<Provider> provider_;
};

/// Checks settings read from the configuration: issuer and redirect URI are
/// absolute https URLs, the redirect URI is `public_origin` + kCallbackPath
/// exactly, "openid" is among the scopes. Throws std::invalid_argument
/// naming the setting.
void validate_settings(const Settings& settings, const std::string& public_origin);

}  // namespace telehealth::oidc
