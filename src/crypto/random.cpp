#include "crypto/random.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <climits>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "crypto/detail/openssl_error.hpp"
#include "crypto/encoding.hpp"

namespace telehealth::crypto {

void fill_random(std::span<std::uint8_t> out) {
  // RAND_bytes takes an int length, so a larger request is filled in chunks.
  constexpr std::size_t max_chunk = INT_MAX;
  while (!out.empty()) {
    const std::size_t chunk = std::min(out.size(), max_chunk);
    if (RAND_bytes(out.data(), static_cast<int>(chunk)) != 1) {
      throw std::runtime_error(fmt::format("RAND_bytes failed: {}",
                                           detail::pop_openssl_error()));
    }
    out = out.subspan(chunk);
  }
}

Bytes random_bytes(std::size_t count) {
  Bytes bytes(count);
  fill_random(bytes);
  return bytes;
}

SecretBytes random_secret(std::size_t count) {
  SecretBytes secret(count);
  fill_random(secret.writable_bytes());
  return secret;
}

std::string new_uuid() {
  std::array<std::uint8_t, 16> bytes{};
  fill_random(bytes);

  // RFC 9562 section 5.4: the high nibble of octet 6 is the version (0b0100)
  // and the two high bits of octet 8 are the variant (0b10).
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);

  const std::string hex = hex_encode(bytes);
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20, 12));
}

std::string random_token(std::size_t byte_count) {
  if (byte_count == 0) {
    throw std::invalid_argument("random_token: byte_count must be at least 1");
  }
  return base64url_encode(random_bytes(byte_count));
}

}  // namespace telehealth::crypto
