#pragma once

// Private to src/oidc: the provider's endpoints, its cached JWKS and the
// token request.

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "oidc/detail/https_client.hpp"
#include "oidc/detail/jose.hpp"
#include "oidc/oidc.hpp"

namespace telehealth::oidc {

/// The endpoints of the discovery document (OpenID Connect Discovery 1.0).
struct Endpoints {
  std::string authorization;
  std::string token;
  std::string jwks;
};

class Provider {
 public:
  explicit Provider(const Settings& settings);

  /// Returns the endpoints, fetching the discovery document when none is
  /// cached or the cached one is over an hour old. Throws detail::Rejected
  /// ("provider_unavailable", "bad_discovery").
  Endpoints endpoints(core::Seconds now);

  /// Sends the authorization code and PKCE verifier to the token endpoint
  /// (client_secret_basic) and returns the ID token. Throws detail::Rejected
  /// ("token_exchange_failed" when the provider rejects the code,
  /// "provider_unavailable", "bad_token_response").
  std::string exchange_code(const std::string& code, const std::string& code_verifier,
                            core::Seconds now);

  /// Verifies an ID token against the JWKS, which is cached for an hour. An
  /// unknown kid fetches the JWKS again (the provider may have rotated its
  /// keys), at most once per call and once per 10 seconds, so a stream of
  /// forged kids cannot make us flood the provider with requests.
  detail::IdToken verify(const std::string& id_token, const std::string& nonce_sha256,
                         core::Seconds now);

 private:
  std::vector<detail::Jwk> fetch_jwks(core::Seconds now);

  const Settings& settings_;
  detail::HttpsClient client_;
  std::mutex mutex_;  // guards the caches below
  std::optional<Endpoints> endpoints_;
  core::Seconds endpoints_fetched_at_{};
  std::vector<detail::Jwk> keys_;
  std::optional<core::Seconds> keys_fetched_at_;
};

}  // namespace telehealth::oidc
