#pragma once

// Private to src/oidc (and its unit tests): JSON Web Keys (RFC 7517) and the
// checks on an OpenID Connect ID token, a JWS in compact serialization
// (RFC 7515) signed with RS256 or ES256 (RFC 7518).

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/types.h>

#include "core/time.hpp"

namespace telehealth::oidc::detail {

/// A rejected ID token, response or flow. `reason()` is a short code from a
/// fixed list (for example "bad_signature") that is safe to audit, log and
/// show. The message adds a description that never quotes token contents.
class Rejected : public std::runtime_error {
 public:
  Rejected(std::string reason, const std::string& message)
      : std::runtime_error(message), reason_(std::move(reason)) {}
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::string reason_;
};

/// One public signing key from a JWKS. Only RSA keys of 2048 bits or more and
/// EC keys on P-256 are kept.
struct Jwk {
  std::string kid;  // may be empty
  std::string kty;  // "RSA" or "EC"
  std::string alg;  // the key's "alg" member, empty when absent
  std::shared_ptr<EVP_PKEY> key;
};

/// Reads the signing keys of a JWK Set document. Keys meant for encryption
/// (`"use": "enc"`), of another type or curve, too short, or malformed are
/// skipped, so one odd key does not disable the others. Throws Rejected
/// ("bad_jwks") when the document is not a JWK Set at all.
std::vector<Jwk> parse_jwks(const nlohmann::json& document);

/// The values an ID token must match (OpenID Connect Core 1.0, section 3.1.3.7).
struct IdTokenExpectations {
  std::string issuer;     // compared exactly
  std::string client_id;  // must be in "aud"; must equal "azp" when present
  std::string nonce_sha256;  // raw SHA-256 of the nonce sent in the request
  core::Seconds now;
  std::chrono::seconds clock_skew{60};
};

/// The claims of a verified ID token that sign-in uses.
struct IdToken {
  std::string subject;
  std::optional<std::string> email;
  bool email_verified = false;  // true only for the JSON boolean true
  std::vector<std::string> amr;
  std::optional<std::string> acr;
};

/// Thrown when the token's "kid" names no key in the set, so that the caller
/// can fetch the JWKS again once (the provider may have rotated its keys).
class UnknownKey : public Rejected {
 public:
  UnknownKey() : Rejected("unknown_key", "the ID token's kid matches no key in the JWKS") {}
};

/// Verifies a compact JWS ID token against `keys` and `expected`, and returns
/// its claims. Accepts only alg RS256 and ES256, so "none" and HMAC (which a
/// forger could key with our public key) are rejected before any key is used.
/// Throws UnknownKey or Rejected with the reason code.
IdToken verify_id_token(std::string_view token, const std::vector<Jwk>& keys,
                        const IdTokenExpectations& expected);

}  // namespace telehealth::oidc::detail
