#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "crypto/bytes.hpp"

namespace telehealth::crypto {

/// Hash functions available to HMAC and to TOTP (RFC 6238 section 1.2).
enum class HashAlgorithm { sha1, sha256, sha512 };

using Sha256Digest = std::array<std::uint8_t, 32>;
using HmacSha1Tag = std::array<std::uint8_t, 20>;
using HmacSha256Tag = std::array<std::uint8_t, 32>;

/// Computes the SHA-256 digest of `data`.
Sha256Digest sha256(ByteView data);

/// Computes the SHA-256 digest of `data` as 64 lowercase hex digits.
std::string sha256_hex(ByteView data);

/// Computes HMAC (RFC 2104) of `message` under `key` with `algorithm`. The
/// result is as long as the digest: 20, 32 or 64 bytes.
Bytes hmac(HashAlgorithm algorithm, ByteView key, ByteView message);

/// Computes HMAC-SHA1. Kept for HOTP and TOTP, where authenticator apps
/// default to it. HMAC-SHA1 is still secure as a MAC although SHA-1 is not
/// collision resistant.
HmacSha1Tag hmac_sha1(ByteView key, ByteView message);

/// Computes HMAC-SHA256.
HmacSha256Tag hmac_sha256(ByteView key, ByteView message);

/// Compares two byte strings in time that depends only on their lengths
/// (CRYPTO_memcmp), for MACs, tokens and one-time codes. Strings of
/// different lengths are unequal, and the lengths are not kept secret.
bool constant_time_equal(ByteView a, ByteView b) noexcept;

}  // namespace telehealth::crypto
