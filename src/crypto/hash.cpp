#include "crypto/hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

#include <fmt/format.h>

#include "crypto/detail/openssl_error.hpp"
#include "crypto/encoding.hpp"

namespace telehealth::crypto {

namespace {

const EVP_MD* evp_digest(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::sha1:
      return EVP_sha1();
    case HashAlgorithm::sha256:
      return EVP_sha256();
    case HashAlgorithm::sha512:
      return EVP_sha512();
  }
  throw std::invalid_argument("hmac: unknown HashAlgorithm value");
}

}  // namespace

Sha256Digest sha256(ByteView data) {
  Sha256Digest digest{};
  SHA256(data.data(), data.size(), digest.data());
  return digest;
}

std::string sha256_hex(ByteView data) { return hex_encode(sha256(data)); }

Bytes hmac(HashAlgorithm algorithm, ByteView key, ByteView message) {
  // HMAC() takes the key length as an int.
  if (key.size() > INT_MAX) {
    throw std::invalid_argument("hmac: key longer than INT_MAX bytes");
  }

  Bytes tag(EVP_MAX_MD_SIZE);
  unsigned int tag_length = 0;
  // OpenSSL 3.0's HMAC() fails on a null key pointer even when the length is
  // 0, and an empty span may have a null data().
  const std::uint8_t empty_key = 0;
  const std::uint8_t* key_data = key.empty() ? &empty_key : key.data();
  if (HMAC(evp_digest(algorithm), key_data, static_cast<int>(key.size()), message.data(),
           message.size(), tag.data(), &tag_length) == nullptr) {
    throw std::runtime_error(
        fmt::format("HMAC failed: {}", detail::pop_openssl_error()));
  }
  tag.resize(tag_length);
  return tag;
}

HmacSha1Tag hmac_sha1(ByteView key, ByteView message) {
  const Bytes tag = hmac(HashAlgorithm::sha1, key, message);
  HmacSha1Tag result{};
  std::copy(tag.begin(), tag.end(), result.begin());
  return result;
}

HmacSha256Tag hmac_sha256(ByteView key, ByteView message) {
  const Bytes tag = hmac(HashAlgorithm::sha256, key, message);
  HmacSha256Tag result{};
  std::copy(tag.begin(), tag.end(), result.begin());
  return result;
}

bool constant_time_equal(ByteView a, ByteView b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace telehealth::crypto
