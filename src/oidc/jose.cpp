#include "oidc/detail/jose.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>

#include "crypto/encoding.hpp"
#include "crypto/hash.hpp"

namespace telehealth::oidc::detail {

namespace {

using nlohmann::json;

// NIST SP 800-57 part 1: RSA keys under 2048 bits no longer give 112-bit
// security.
constexpr int kMinRsaBits = 2048;
constexpr std::size_t kP256CoordinateBytes = 32;

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

std::optional<crypto::Bytes> member_bytes(const json& jwk, const char* name) {
  const auto found = jwk.find(name);
  if (found == jwk.end() || !found->is_string()) return std::nullopt;
  return crypto::base64url_decode(found->get<std::string>());
}

BnPtr to_bignum(const crypto::Bytes& bytes) {
  return BnPtr(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
}

// Builds a public EVP_PKEY of `type` ("RSA" or "EC") from OpenSSL 3 key
// parameters; returns null when OpenSSL rejects them.
std::shared_ptr<EVP_PKEY> key_from_params(const char* type, OSSL_PARAM_BLD* builder) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(builder));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return {key, EVP_PKEY_free};
}

std::shared_ptr<EVP_PKEY> rsa_key(const json& jwk) {
  const auto n = member_bytes(jwk, "n");
  const auto e = member_bytes(jwk, "e");
  if (!n || !e || n->empty() || e->empty()) return nullptr;
  const BnPtr modulus = to_bignum(*n);
  const BnPtr exponent = to_bignum(*e);
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> builder(OSSL_PARAM_BLD_new());
  if (!modulus || !exponent || !builder ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
    return nullptr;
  }
  auto key = key_from_params("RSA", builder.get());
  if (key && EVP_PKEY_get_bits(key.get()) < kMinRsaBits) return nullptr;
  return key;
}

std::shared_ptr<EVP_PKEY> ec_p256_key(const json& jwk) {
  if (jwk.value("crv", "") != "P-256") return nullptr;
  const auto x = member_bytes(jwk, "x");
  const auto y = member_bytes(jwk, "y");
  if (!x || !y || x->size() != kP256CoordinateBytes || y->size() != kP256CoordinateBytes) {
    return nullptr;
  }
  // SEC 1 uncompressed point: 0x04 || x || y.
  crypto::Bytes point{0x04};
  point.insert(point.end(), x->begin(), x->end());
  point.insert(point.end(), y->begin(), y->end());
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> builder(OSSL_PARAM_BLD_new());
  char group[] = "prime256v1";
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return nullptr;
  }
  auto key = key_from_params("EC", builder.get());
  if (!key) return nullptr;
  // Rejects a point that is not on the curve (invalid-curve attacks).
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> check(EVP_PKEY_CTX_new(key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
  return key;
}

std::optional<Jwk> read_jwk(const json& entry) {
  if (!entry.is_object()) return std::nullopt;
  if (entry.contains("use") && entry["use"] != "sig") return std::nullopt;
  Jwk jwk;
  jwk.kty = entry.value("kty", "");
  if (entry.contains("kid") && entry["kid"].is_string()) jwk.kid = entry["kid"].get<std::string>();
  if (entry.contains("alg") && entry["alg"].is_string()) jwk.alg = entry["alg"].get<std::string>();
  if (jwk.kty == "RSA") jwk.key = rsa_key(entry);
  if (jwk.kty == "EC") jwk.key = ec_p256_key(entry);
  if (!jwk.key) return std::nullopt;
  return jwk;
}

// The JWS algorithms accepted and the key type each needs (RFC 7518 3.1).
const char* key_type_for(const std::string& alg) {
  if (alg == "RS256") return "RSA";
  if (alg == "ES256") return "EC";
  return nullptr;
}

json decode_json_part(std::string_view part, const char* what) {
  const auto bytes = crypto::base64url_decode(part);
  if (!bytes || bytes->empty()) {
    throw Rejected("malformed_token", std::string("the ID token's ") + what + " is not base64url");
  }
  json parsed = json::parse(bytes->begin(), bytes->end(), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    throw Rejected("malformed_token", std::string("the ID token's ") + what +
                                          " is not a JSON object");
  }
  return parsed;
}

const Jwk& select_key(const json& header, const std::string& alg, const std::vector<Jwk>& keys) {
  const std::string kty = key_type_for(alg);
  const bool has_kid = header.contains("kid");
  if (has_kid && !header["kid"].is_string()) {
    throw Rejected("malformed_token", "the ID token's kid is not a string");
  }
  const std::string kid = has_kid ? header["kid"].get<std::string>() : std::string();
  const Jwk* chosen = nullptr;
  std::size_t candidates = 0;
  for (const auto& key : keys) {
    if (has_kid ? key.kid == kid : key.kty == kty) {
      chosen = &key;
      ++candidates;
    }
  }
  // Without a kid the choice must be unambiguous (OpenID Connect Core 10.1).
  if (chosen == nullptr || candidates != 1) throw UnknownKey();
  if (chosen->kty != kty || (!chosen->alg.empty() && chosen->alg != alg)) {
    throw Rejected("alg_not_allowed", "the ID token's alg does not fit the key its kid names");
  }
  return *chosen;
}

// JWS ES256 signatures are r || s, 32 bytes each (RFC 7518 3.4); OpenSSL
// verifies the DER form.
std::optional<crypto::Bytes> ecdsa_der(const crypto::Bytes& raw) {
  if (raw.size() != 2 * kP256CoordinateBytes) return std::nullopt;
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(raw.data(), kP256CoordinateBytes, nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + kP256CoordinateBytes, kP256CoordinateBytes, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) return std::nullopt;
  crypto::Bytes der(static_cast<std::size_t>(length));
  unsigned char* out = der.data();
  i2d_ECDSA_SIG(sig.get(), &out);
  return der;
}

bool signature_valid(const Jwk& key, const std::string& alg, std::string_view signing_input,
                     const crypto::Bytes& signature) {
  std::optional<crypto::Bytes> encoded = signature;
  if (alg == "ES256") encoded = ecdsa_der(signature);
  if (!encoded) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.key.get()) != 1) {
    return false;
  }
  const auto input = crypto::as_byte_view(signing_input);
  return EVP_DigestVerify(ctx.get(), encoded->data(), encoded->size(), input.data(),
                          input.size()) == 1;
}

std::int64_t required_time(const json& claims, const char* name) {
  const auto found = claims.find(name);
  if (found == claims.end() || !found->is_number()) {
    throw Rejected("malformed_token", std::string("the ID token has no numeric ") + name);
  }
  return static_cast<std::int64_t>(found->get<double>());
}

void check_audience(const json& claims, const std::string& client_id) {
  const auto aud = claims.find("aud");
  std::vector<std::string> audiences;
  if (aud != claims.end() && aud->is_string()) audiences.push_back(aud->get<std::string>());
  if (aud != claims.end() && aud->is_array()) {
    for (const auto& entry : *aud) {
      if (entry.is_string()) audiences.push_back(entry.get<std::string>());
    }
  }
  if (std::find(audiences.begin(), audiences.end(), client_id) == audiences.end()) {
    throw Rejected("audience_mismatch", "the ID token's aud does not contain our client_id");
  }
  // With several audiences the authorized party must be named, and it must
  // be us; a present azp must always be us.
  const auto azp = claims.find("azp");
  const bool azp_is_us = azp != claims.end() && azp->is_string() && *azp == client_id;
  if ((audiences.size() > 1 || azp != claims.end()) && !azp_is_us) {
    throw Rejected("audience_mismatch", "the ID token's azp is not our client_id");
  }
}

void check_times(const json& claims, const IdTokenExpectations& expected) {
  const std::int64_t now = core::to_unix(expected.now);
  const std::int64_t skew = expected.clock_skew.count();
  if (required_time(claims, "exp") <= now - skew) {
    throw Rejected("token_expired", "the ID token has expired");
  }
  if (required_time(claims, "iat") > now + skew) {
    throw Rejected("token_not_yet_valid", "the ID token was issued in the future");
  }
  if (claims.contains("nbf") && required_time(claims, "nbf") > now + skew) {
    throw Rejected("token_not_yet_valid", "the ID token is not valid yet (nbf)");
  }
}

void check_nonce(const json& claims, const std::string& nonce_sha256) {
  const auto nonce = claims.find("nonce");
  if (nonce == claims.end() || !nonce->is_string()) {
    throw Rejected("nonce_mismatch", "the ID token carries no nonce");
  }
  const auto digest = crypto::sha256(crypto::as_byte_view(nonce->get_ref<const std::string&>()));
  if (!crypto::constant_time_equal(digest, crypto::as_byte_view(nonce_sha256))) {
    throw Rejected("nonce_mismatch", "the ID token's nonce is not the one this sign-in sent");
  }
}

IdToken read_claims(const json& claims) {
  IdToken token;
  const auto sub = claims.find("sub");
  // OpenID Connect Core 2: sub is at most 255 ASCII characters.
  if (sub == claims.end() || !sub->is_string() || sub->get_ref<const std::string&>().empty() ||
      sub->get_ref<const std::string&>().size() > 255) {
    throw Rejected("malformed_token", "the ID token's sub is missing or too long");
  }
  token.subject = sub->get<std::string>();
  if (claims.contains("email") && claims["email"].is_string()) {
    token.email = claims["email"].get<std::string>();
  }
  token.email_verified = claims.contains("email_verified") && claims["email_verified"] == true;
  if (claims.contains("amr") && claims["amr"].is_array()) {
    for (const auto& method : claims["amr"]) {
      if (method.is_string()) token.amr.push_back(method.get<std::string>());
    }
  }
  if (claims.contains("acr") && claims["acr"].is_string()) {
    token.acr = claims["acr"].get<std::string>();
  }
  return token;
}

}  // namespace

std::vector<Jwk> parse_jwks(const json& document) {
  if (!document.is_object() || !document.contains("keys") || !document["keys"].is_array()) {
    throw Rejected("bad_jwks", "the provider's JWKS is not a JSON object with a keys array");
  }
  std::vector<Jwk> keys;
  for (const auto& entry : document["keys"]) {
    if (auto jwk = read_jwk(entry)) keys.push_back(std::move(*jwk));
  }
  return keys;
}

IdToken verify_id_token(std::string_view token, const std::vector<Jwk>& keys,
                        const IdTokenExpectations& expected) {
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot == std::string_view::npos ? 0 : first_dot + 1);
  if (first_dot == std::string_view::npos || second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    throw Rejected("malformed_token", "the ID token is not a compact JWS (three parts)");
  }
  const json header = decode_json_part(token.substr(0, first_dot), "header");
  const auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || key_type_for(alg->get<std::string>()) == nullptr) {
    throw Rejected("alg_not_allowed", "the ID token's alg is not RS256 or ES256");
  }
  // RFC 7515 4.1.11: a token with a critical extension we do not implement
  // must be rejected.
  if (header.contains("crit")) {
    throw Rejected("malformed_token", "the ID token has critical header parameters");
  }
  const Jwk& key = select_key(header, alg->get<std::string>(), keys);

  const auto signature = crypto::base64url_decode(token.substr(second_dot + 1));
  if (!signature ||
      !signature_valid(key, alg->get<std::string>(), token.substr(0, second_dot), *signature)) {
    throw Rejected("bad_signature", "the ID token's signature does not verify");
  }

  // Claims are read only after the signature has verified.
  const json claims = decode_json_part(
      token.substr(first_dot + 1, second_dot - first_dot - 1), "payload");
  if (!claims.contains("iss") || claims["iss"] != expected.issuer) {
    throw Rejected("issuer_mismatch", "the ID token's iss is not the configured issuer");
  }
  check_audience(claims, expected.client_id);
  check_times(claims, expected);
  check_nonce(claims, expected.nonce_sha256);
  return read_claims(claims);
}

}  // namespace telehealth::oidc::detail
