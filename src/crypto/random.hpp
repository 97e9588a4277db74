#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/secret.hpp"

namespace telehealth::crypto {

/// Fills `out` from OpenSSL's CSPRNG (RAND_bytes). Throws std::runtime_error
/// if the generator fails, for example because it could not be seeded.
void fill_random(std::span<std::uint8_t> out);

/// Returns `count` random bytes. Throws as fill_random() does.
Bytes random_bytes(std::size_t count);

/// Returns `count` random bytes in a buffer that is zeroed on destruction,
/// for keys. Throws as fill_random() does.
SecretBytes random_secret(std::size_t count);

/// Returns a random version 4 UUID (RFC 9562 section 5.4) in lowercase
/// hyphenated form, such as "0b8e2f6c-51b1-4c1e-9a7d-3f0c2d4e5a6b".
std::string new_uuid();

/// Returns `byte_count` random bytes as base64url without padding, for
/// session and invitation tokens. 32 bytes give 256 bits and 43 characters.
/// Throws std::invalid_argument if `byte_count` is 0.
std::string random_token(std::size_t byte_count);

}  // namespace telehealth::crypto
