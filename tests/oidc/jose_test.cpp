#include "oidc/detail/jose.hpp"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "crypto/encoding.hpp"
#include "crypto/hash.hpp"

namespace telehealth::oidc::detail {
namespace {

using nlohmann::json;

constexpr const char* kIssuer = "https://idp.example.test/realms/clinic";
constexpr const char* kClientId = "telehealth";
constexpr const char* kNonce = "n-0S6_WzA2Mj";

using KeyPtr = std::shared_ptr<EVP_PKEY>;

KeyPtr generate_rsa(unsigned bits = 2048) {
  return {EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits)),
          EVP_PKEY_free};
}

KeyPtr generate_p256() {
  char curve[] = "P-256";
  return {EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve), EVP_PKEY_free};
}

std::string b64url(const std::string& text) {
  return crypto::base64url_encode(crypto::as_byte_view(text));
}

std::string bn_param_b64url(EVP_PKEY* key, const char* name, int pad = 0) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  const int size = pad > 0 ? pad : BN_num_bytes(bn);
  crypto::Bytes bytes(static_cast<std::size_t>(size));
  BN_bn2binpad(bn, bytes.data(), size);
  BN_free(bn);
  return crypto::base64url_encode(bytes);
}

// The public JWK of a generated key, as a provider publishes it.
json public_jwk(EVP_PKEY* key, const std::string& kid) {
  if (EVP_PKEY_is_a(key, "RSA")) {
    return {{"kty", "RSA"}, {"kid", kid}, {"use", "sig"},
            {"n", bn_param_b64url(key, OSSL_PKEY_PARAM_RSA_N)},
            {"e", bn_param_b64url(key, OSSL_PKEY_PARAM_RSA_E)}};
  }
  return {{"kty", "EC"}, {"kid", kid}, {"crv", "P-256"},
          {"x", bn_param_b64url(key, OSSL_PKEY_PARAM_EC_PUB_X, 32)},
          {"y", bn_param_b64url(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32)}};
}

crypto::Bytes sign_sha256(EVP_PKEY* key, const std::string& input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key);
  std::size_t length = 0;
  const auto data = crypto::as_byte_view(input);
  EVP_DigestSign(ctx.get(), nullptr, &length, data.data(), data.size());
  crypto::Bytes signature(length);
  EVP_DigestSign(ctx.get(), signature.data(), &length, data.data(), data.size());
  signature.resize(length);
  if (!EVP_PKEY_is_a(key, "EC")) return signature;

  // JWS ES256 wants r || s, not OpenSSL's DER.
  const unsigned char* der = signature.data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size()));
  crypto::Bytes raw(64);
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw.data(), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw.data() + 32, 32);
  ECDSA_SIG_free(sig);
  return raw;
}

std::string sign_token(EVP_PKEY* key, const json& header, const json& claims) {
  const std::string input = b64url(header.dump()) + "." + b64url(claims.dump());
  return input + "." + crypto::base64url_encode(sign_sha256(key, input));
}

class IdTokenTest : public ::testing::Test {
 protected:
  // RSA key generation is slow, so the suite shares one key pair of each type.
  static void SetUpTestSuite() {
    rsa_ = generate_rsa();
    ec_ = generate_p256();
    keys_ = parse_jwks({{"keys", {public_jwk(rsa_.get(), "rsa-1"), public_jwk(ec_.get(), "ec-1")}}});
  }

  void SetUp() override { ASSERT_EQ(keys_.size(), 2u); }

  json claims() const {
    const auto now = core::to_unix(now_);
    return {{"iss", kIssuer},    {"sub", "248289761001"},   {"aud", kClientId},
            {"exp", now + 300},  {"iat", now},              {"nonce", kNonce},
            {"email", "ana@clinic.example"}, {"email_verified", true},
            {"amr", {"pwd", "mfa"}}};
  }

  IdTokenExpectations expected() const {
    const auto digest = crypto::sha256(crypto::as_byte_view(std::string(kNonce)));
    return {kIssuer, kClientId, std::string(digest.begin(), digest.end()), now_};
  }

  IdToken verify(const std::string& token) const {
    return verify_id_token(token, keys_, expected());
  }

  // Returns the reason code verify() rejects `token` with, or "accepted".
  std::string rejection(const std::string& token) const {
    try {
      verify(token);
      return "accepted";
    } catch (const Rejected& error) {
      return error.reason();
    }
  }

  std::string rs256(const json& body) const {
    return sign_token(rsa_.get(), {{"alg", "RS256"}, {"kid", "rsa-1"}}, body);
  }

  core::Seconds now_ = core::Seconds(std::chrono::seconds(1'780'000'000));
  static inline KeyPtr rsa_;
  static inline KeyPtr ec_;
  static inline std::vector<Jwk> keys_;
};

TEST_F(IdTokenTest, Rs256Accepted) {
  const auto token = verify(rs256(claims()));
  EXPECT_EQ(token.subject, "248289761001");
  EXPECT_EQ(token.email, "ana@clinic.example");
  EXPECT_TRUE(token.email_verified);
  EXPECT_EQ(token.amr, (std::vector<std::string>{"pwd", "mfa"}));
  EXPECT_FALSE(token.acr.has_value());
}

TEST_F(IdTokenTest, Es256Accepted) {
  auto body = claims();
  body["acr"] = "phr";
  const auto token = verify(sign_token(ec_.get(), {{"alg", "ES256"}, {"kid", "ec-1"}}, body));
  EXPECT_EQ(token.subject, "248289761001");
  EXPECT_EQ(token.acr, "phr");
}

TEST_F(IdTokenTest, AlgNoneRejected) {
  const std::string token =
      b64url(json({{"alg", "none"}}).dump()) + "." + b64url(claims().dump()) + ".";
  EXPECT_EQ(rejection(token), "alg_not_allowed");
}

// The classic confusion attack: HS256 keyed with the RSA public key, which
// anyone can fetch from the JWKS.
TEST_F(IdTokenTest, HmacWithPublicKeyRejected) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PUBKEY(bio.get(), rsa_.get());
  char* pem = nullptr;
  const long pem_length = BIO_get_mem_data(bio.get(), &pem);
  const std::string hmac_key(pem, static_cast<std::size_t>(pem_length));
  const std::string input =
      b64url(json({{"alg", "HS256"}, {"kid", "rsa-1"}}).dump()) + "." + b64url(claims().dump());
  const auto tag = crypto::hmac_sha256(crypto::as_byte_view(hmac_key), crypto::as_byte_view(input));
  EXPECT_EQ(rejection(input + "." + crypto::base64url_encode(tag)), "alg_not_allowed");
}

TEST_F(IdTokenTest, OtherKeyWithSameKidRejected) {
  const auto other = generate_rsa();
  EXPECT_EQ(rejection(sign_token(other.get(), {{"alg", "RS256"}, {"kid", "rsa-1"}}, claims())),
            "bad_signature");
}

TEST_F(IdTokenTest, UnknownKidThrowsUnknownKey) {
  const auto token = sign_token(rsa_.get(), {{"alg", "RS256"}, {"kid", "rotated"}}, claims());
  EXPECT_THROW(verify(token), UnknownKey);
}

TEST_F(IdTokenTest, AlgMustFitKeyType) {
  EXPECT_EQ(rejection(sign_token(rsa_.get(), {{"alg", "ES256"}, {"kid", "rsa-1"}}, claims())),
            "alg_not_allowed");
}

TEST_F(IdTokenTest, TamperedPayloadRejected) {
  const auto token = rs256(claims());
  auto changed = claims();
  changed["sub"] = "someone-else";
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  const auto forged = token.substr(0, first + 1) + b64url(changed.dump()) + token.substr(second);
  EXPECT_EQ(rejection(forged), "bad_signature");
}

TEST_F(IdTokenTest, IssuerComparedExactly) {
  auto body = claims();
  body["iss"] = std::string(kIssuer) + "/";
  EXPECT_EQ(rejection(rs256(body)), "issuer_mismatch");
  body.erase("iss");
  EXPECT_EQ(rejection(rs256(body)), "issuer_mismatch");
}

TEST_F(IdTokenTest, AudienceChecks) {
  auto body = claims();
  body["aud"] = "another-client";
  EXPECT_EQ(rejection(rs256(body)), "audience_mismatch");
  body["aud"] = {kClientId, "another-client"};
  EXPECT_EQ(rejection(rs256(body)), "audience_mismatch");  // several audiences need azp
  body["azp"] = "another-client";
  EXPECT_EQ(rejection(rs256(body)), "audience_mismatch");
  body["azp"] = kClientId;
  EXPECT_EQ(rejection(rs256(body)), "accepted");
}

TEST_F(IdTokenTest, TimeChecksAllowSmallSkew) {
  const auto now = core::to_unix(now_);
  auto body = claims();
  body["exp"] = now - 30;  // within the 60 s skew
  EXPECT_EQ(rejection(rs256(body)), "accepted");
  body["exp"] = now - 61;
  EXPECT_EQ(rejection(rs256(body)), "token_expired");
  body = claims();
  body["iat"] = now + 120;
  EXPECT_EQ(rejection(rs256(body)), "token_not_yet_valid");
  body = claims();
  body["nbf"] = now + 120;
  EXPECT_EQ(rejection(rs256(body)), "token_not_yet_valid");
  body = claims();
  body.erase("exp");
  EXPECT_EQ(rejection(rs256(body)), "malformed_token");
}

TEST_F(IdTokenTest, NonceMustMatch) {
  auto body = claims();
  body["nonce"] = "another-nonce";
  EXPECT_EQ(rejection(rs256(body)), "nonce_mismatch");
  body.erase("nonce");
  EXPECT_EQ(rejection(rs256(body)), "nonce_mismatch");
}

TEST_F(IdTokenTest, EmailVerifiedOnlyAsBooleanTrue) {
  auto body = claims();
  body["email_verified"] = "true";
  EXPECT_FALSE(verify(rs256(body)).email_verified);
}

TEST_F(IdTokenTest, MalformedTokensRejected) {
  EXPECT_EQ(rejection("abc.def"), "malformed_token");
  EXPECT_EQ(rejection("a.b.c.d"), "malformed_token");
  EXPECT_EQ(rejection("!!!.e30.e30"), "malformed_token");
  auto header = json{{"alg", "RS256"}, {"kid", "rsa-1"}, {"crit", {"exp"}}};
  EXPECT_EQ(rejection(sign_token(rsa_.get(), header, claims())), "malformed_token");
}

TEST(JwksTest, SkipsKeysThatCannotVerify) {
  const auto rsa = generate_rsa();
  const auto short_rsa = generate_rsa(1024);
  const auto ec = generate_p256();
  auto encryption_key = public_jwk(rsa.get(), "enc-1");
  encryption_key["use"] = "enc";
  auto off_curve = public_jwk(ec.get(), "bad-ec");
  off_curve["y"] = off_curve["x"];
  const json document{{"keys",
                       {public_jwk(rsa.get(), "good"), public_jwk(short_rsa.get(), "short"),
                        encryption_key, off_curve,
                        {{"kty", "oct"}, {"kid", "hmac"}, {"k", "c2VjcmV0"}},
                        {{"kty", "OKP"}, {"kid", "ed"}, {"crv", "Ed25519"}, {"x", "AA"}}}}};
  const auto keys = parse_jwks(document);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].kid, "good");
  EXPECT_EQ(keys[0].kty, "RSA");
}

TEST(JwksTest, RejectsDocumentWithoutKeys) {
  EXPECT_THROW(parse_jwks(json{{"issuer", kIssuer}}), Rejected);
  EXPECT_THROW(parse_jwks(json::array()), Rejected);
}

}  // namespace
}  // namespace telehealth::oidc::detail
