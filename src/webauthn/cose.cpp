#include "webauthn/detail/cose.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "webauthn/detail/cbor.hpp"

namespace telehealth::webauthn::detail {

namespace {

// COSE_Key labels and values (RFC 9052 section 7.1, RFC 9053 sections 7.1
// and 7.2, RFC 8230 section 4).
constexpr std::int64_t kLabelKty = 1;
constexpr std::int64_t kLabelAlg = 3;
constexpr std::int64_t kLabelCrv = -1;     // EC2 and OKP
constexpr std::int64_t kLabelX = -2;       // EC2 and OKP
constexpr std::int64_t kLabelY = -3;       // EC2
constexpr std::int64_t kLabelRsaN = -1;    // RSA
constexpr std::int64_t kLabelRsaE = -2;    // RSA
constexpr std::int64_t kKtyOkp = 1;
constexpr std::int64_t kKtyEc2 = 2;
constexpr std::int64_t kKtyRsa = 3;
constexpr std::int64_t kCrvP256 = 1;
constexpr std::int64_t kCrvEd25519 = 6;
constexpr std::size_t kP256CoordinateBytes = 32;
constexpr std::size_t kEd25519KeyBytes = 32;
// NIST SP 800-131A: RSA keys below 2048 bits are disallowed for signatures.
constexpr int kMinRsaBits = 2048;

[[noreturn]] void unsupported(const std::string& detail) {
  throw VerificationError(Failure::unsupported_algorithm, detail);
}

[[noreturn]] void malformed(const std::string& detail) {
  throw VerificationError(Failure::malformed, detail);
}

struct ParamBuildDeleter {
  void operator()(OSSL_PARAM_BLD* build) const noexcept { OSSL_PARAM_BLD_free(build); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* params) const noexcept { OSSL_PARAM_free(params); }
};
struct ContextDeleter {
  void operator()(EVP_PKEY_CTX* context) const noexcept { EVP_PKEY_CTX_free(context); }
};
struct BignumDeleter {
  void operator()(BIGNUM* number) const noexcept { BN_free(number); }
};
struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const noexcept { EVP_MD_CTX_free(context); }
};

// Builds a public key of `type` ("EC", "RSA") from OpenSSL 3 parameters.
EvpKey key_from_params(const char* type, const OSSL_PARAM* params) {
  std::unique_ptr<EVP_PKEY_CTX, ContextDeleter> context(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY,
                        const_cast<OSSL_PARAM*>(params)) != 1) {
    malformed(std::string("the ") + type + " public key is invalid");
  }
  return EvpKey(key);
}

EvpKey ec2_key(const cbor_item_t* map) {
  if (read_integer(map_find(map, kLabelCrv), "COSE crv") != kCrvP256) {
    unsupported("EC2 key on a curve other than P-256");
  }
  const auto x = read_bytes(map_find(map, kLabelX), "COSE x");
  const auto y = read_bytes(map_find(map, kLabelY), "COSE y");
  if (x.size() != kP256CoordinateBytes || y.size() != kP256CoordinateBytes) {
    malformed("P-256 coordinates must be 32 bytes each");
  }
  // SEC 1 uncompressed point: 0x04 || x || y.
  crypto::Bytes point{0x04};
  point.insert(point.end(), x.begin(), x.end());
  point.insert(point.end(), y.begin(), y.end());

  std::unique_ptr<OSSL_PARAM_BLD, ParamBuildDeleter> build(OSSL_PARAM_BLD_new());
  if (!build ||
      OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1",
                                      0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    throw std::runtime_error("OSSL_PARAM_BLD failed for an EC key");
  }
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(build.get()));
  if (!params) throw std::runtime_error("OSSL_PARAM_BLD_to_param failed for an EC key");
  // EVP_PKEY_fromdata rejects a point that is not on the curve.
  return key_from_params("EC", params.get());
}

EvpKey rsa_key(const cbor_item_t* map) {
  const auto n = read_bytes(map_find(map, kLabelRsaN), "COSE n");
  const auto e = read_bytes(map_find(map, kLabelRsaE), "COSE e");
  if (n.empty() || e.empty()) malformed("RSA modulus and exponent must not be empty");
  std::unique_ptr<BIGNUM, BignumDeleter> modulus(
      BN_bin2bn(n.data(), static_cast<int>(n.size()), nullptr));
  std::unique_ptr<BIGNUM, BignumDeleter> exponent(
      BN_bin2bn(e.data(), static_cast<int>(e.size()), nullptr));
  if (!modulus || !exponent) throw std::runtime_error("BN_bin2bn failed");
  if (BN_num_bits(modulus.get()) < kMinRsaBits) unsupported("RSA key shorter than 2048 bits");

  std::unique_ptr<OSSL_PARAM_BLD, ParamBuildDeleter> build(OSSL_PARAM_BLD_new());
  if (!build || OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
    throw std::runtime_error("OSSL_PARAM_BLD failed for an RSA key");
  }
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(build.get()));
  if (!params) throw std::runtime_error("OSSL_PARAM_BLD_to_param failed for an RSA key");
  return key_from_params("RSA", params.get());
}

EvpKey ed25519_key(const cbor_item_t* map) {
  if (read_integer(map_find(map, kLabelCrv), "COSE crv") != kCrvEd25519) {
    unsupported("OKP key on a curve other than Ed25519");
  }
  const auto x = read_bytes(map_find(map, kLabelX), "COSE x");
  if (x.size() != kEd25519KeyBytes) malformed("Ed25519 public keys are 32 bytes");
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, x.data(), x.size());
  if (key == nullptr) malformed("the Ed25519 public key is invalid");
  return EvpKey(key);
}

}  // namespace

CosePublicKey parse_cose_key(crypto::ByteView cose_key) {
  const auto item = decode_cbor_exact(cose_key);
  const cbor_item_t* map = item.get();
  if (!is_map(map)) malformed("the COSE key is not a CBOR map");
  const std::int64_t kty = read_integer(map_find(map, kLabelKty), "COSE kty");
  const std::int64_t alg = read_integer(map_find(map, kLabelAlg), "COSE alg");

  CosePublicKey result;
  if (kty == kKtyEc2 && alg == static_cast<int>(Algorithm::es256)) {
    result.algorithm = Algorithm::es256;
    result.key = ec2_key(map);
  } else if (kty == kKtyRsa && alg == static_cast<int>(Algorithm::rs256)) {
    result.algorithm = Algorithm::rs256;
    result.key = rsa_key(map);
  } else if (kty == kKtyOkp && alg == static_cast<int>(Algorithm::eddsa)) {
    result.algorithm = Algorithm::eddsa;
    result.key = ed25519_key(map);
  } else {
    unsupported("COSE kty " + std::to_string(kty) + " with alg " + std::to_string(alg));
  }
  return result;
}

bool verify_signature(const CosePublicKey& key, crypto::ByteView data,
                      crypto::ByteView signature) {
  std::unique_ptr<EVP_MD_CTX, DigestContextDeleter> context(EVP_MD_CTX_new());
  if (!context) throw std::runtime_error("EVP_MD_CTX_new failed");
  // Ed25519 hashes internally and takes no digest; the other two sign SHA-256.
  // RSA keys default to PKCS #1 v1.5 padding, which RS256 is.
  const EVP_MD* digest = key.algorithm == Algorithm::eddsa ? nullptr : EVP_sha256();
  const bool valid =
      EVP_DigestVerifyInit(context.get(), nullptr, digest, nullptr, key.key.get()) == 1 &&
      EVP_DigestVerify(context.get(), signature.data(), signature.size(), data.data(),
                       data.size()) == 1;
  // A rejected signature leaves entries on this thread's OpenSSL error queue;
  // clear them so they are not reported against a later, unrelated call.
  if (!valid) ERR_clear_error();
  return valid;
}

}  // namespace telehealth::webauthn::detail
