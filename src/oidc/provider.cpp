#include "oidc/detail/provider.hpp"

#include <nlohmann/json.hpp>

#include "crypto/encoding.hpp"
#include "oidc/detail/url.hpp"

namespace telehealth::oidc {

namespace {

using detail::Rejected;
using nlohmann::json;

constexpr std::chrono::hours kDiscoveryLifetime{1};
// A key that the provider withdrew stops being trusted within this time.
constexpr std::chrono::hours kJwksLifetime{1};
constexpr std::chrono::seconds kJwksRefetchInterval{10};

json fetch_json(const detail::HttpsClient& client, const std::string& url, const char* what) {
  detail::HttpsResponse response;
  try {
    response = client.get(url);
  } catch (const std::exception& error) {
    throw Rejected("provider_unavailable", std::string(what) + ": " + error.what());
  }
  if (response.status != 200) {
    throw Rejected("provider_unavailable",
                   std::string(what) + ": HTTP status " + std::to_string(response.status));
  }
  json document = json::parse(response.body, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    throw Rejected("bad_discovery", std::string(what) + " is not a JSON object");
  }
  return document;
}

std::string https_member(const json& document, const char* name) {
  const auto found = document.find(name);
  if (found == document.end() || !found->is_string() ||
      !detail::parse_https_url(found->get<std::string>())) {
    throw Rejected("bad_discovery",
                   std::string("the discovery document's ") + name + " is not an https URL");
  }
  return found->get<std::string>();
}

}  // namespace

Provider::Provider(const Settings& settings)
    : settings_(settings), client_(settings.ca_file) {}

Endpoints Provider::endpoints(core::Seconds now) {
  std::lock_guard lock(mutex_);
  if (endpoints_ && now - endpoints_fetched_at_ < kDiscoveryLifetime) return *endpoints_;

  // OpenID Connect Discovery 1.0, section 4.
  std::string url = settings_.issuer;
  if (!url.empty() && url.back() == '/') url.pop_back();
  const json document = fetch_json(client_, url + "/.well-known/openid-configuration",
                                   "discovery document");
  // Section 4.3: the issuer in the document must be the one we asked, exactly.
  if (document.value("issuer", "") != settings_.issuer) {
    throw Rejected("bad_discovery", "the discovery document names another issuer");
  }
  endpoints_ = Endpoints{https_member(document, "authorization_endpoint"),
                         https_member(document, "token_endpoint"),
                         https_member(document, "jwks_uri")};
  endpoints_fetched_at_ = now;
  return *endpoints_;
}

std::string Provider::exchange_code(const std::string& code, const std::string& code_verifier,
                                    core::Seconds now) {
  const Endpoints urls = endpoints(now);
  const std::string form = detail::form_encode({{"grant_type", "authorization_code"},
                                                {"code", code},
                                                {"redirect_uri", settings_.redirect_uri},
                                                {"code_verifier", code_verifier}});
  // RFC 6749 section 2.3.1: client id and secret are form-encoded, then
  // joined by a colon and base64-encoded.
  const std::string credentials =
      detail::percent_encode(settings_.client_id) + ":" +
      detail::percent_encode(settings_.client_secret);
  detail::HttpsResponse response;
  try {
    response = client_.post_form(urls.token, form,
                                 "Basic " + crypto::base64_encode(crypto::as_byte_view(credentials)));
  } catch (const std::exception& error) {
    throw Rejected("provider_unavailable", std::string("token endpoint: ") + error.what());
  }
  // RFC 6749 section 5.2: a rejected grant (for example a code bound to
  // another redirect URI or PKCE challenge) is a 400 with an error code.
  if (response.status == 400 || response.status == 401) {
    throw Rejected("token_exchange_failed",
                   "the token endpoint rejected the code (HTTP " +
                       std::to_string(response.status) + ")");
  }
  if (response.status != 200) {
    throw Rejected("provider_unavailable",
                   "token endpoint: HTTP status " + std::to_string(response.status));
  }
  const json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("id_token") ||
      !body["id_token"].is_string()) {
    throw Rejected("bad_token_response", "the token response has no id_token");
  }
  return body["id_token"].get<std::string>();
}

std::vector<detail::Jwk> Provider::fetch_jwks(core::Seconds now) {
  const Endpoints urls = endpoints(now);
  std::vector<detail::Jwk> keys;
  try {
    keys = detail::parse_jwks(fetch_json(client_, urls.jwks, "JWKS"));
  } catch (const Rejected& error) {
    if (error.reason() == "bad_discovery") throw Rejected("bad_jwks", error.what());
    throw;
  }
  std::lock_guard lock(mutex_);
  keys_ = keys;
  keys_fetched_at_ = now;
  return keys;
}

detail::IdToken Provider::verify(const std::string& id_token, const std::string& nonce_sha256,
                                 core::Seconds now) {
  const detail::IdTokenExpectations expected{settings_.issuer, settings_.client_id, nonce_sha256,
                                             now};
  std::vector<detail::Jwk> keys;
  bool cached = false;
  bool may_refetch = true;
  {
    std::lock_guard lock(mutex_);
    keys = keys_;
    cached = keys_fetched_at_ && now - *keys_fetched_at_ < kJwksLifetime;
    may_refetch = !cached || now - *keys_fetched_at_ >= kJwksRefetchInterval;
  }
  if (!cached) {
    keys = fetch_jwks(now);
    may_refetch = false;
  }
  try {
    return detail::verify_id_token(id_token, keys, expected);
  } catch (const detail::UnknownKey&) {
    if (!may_refetch) throw;
  }
  // The provider may have rotated its keys since we cached them.
  return detail::verify_id_token(id_token, fetch_jwks(now), expected);
}

}  // namespace telehealth::oidc
