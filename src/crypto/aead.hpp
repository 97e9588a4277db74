#pragma once

#include <cstddef>
#include <stdexcept>

#include "crypto/bytes.hpp"
#include "crypto/secret.hpp"

// AES-256-GCM authenticated encryption with associated data.
//
// Each seal() draws a random 96-bit nonce. NIST SP 800-38D section 8.3 allows
// at most 2^32 encryptions per key with random nonces, which keeps the chance
// that two nonces collide near 2^-33 (birthday bound: n^2 / 2^97). A repeated
// nonce would expose the XOR of two plaintexts and allow tag forgery. Our keys
// stay far below that limit: the keyring's key-encryption keys seal one data
// key per wrap(), and even one seal per second for ten years is about 2^28.2
// seals. NOTE: nothing counts seals per key, so a caller that seals at a high
// rate under one long-lived key must rotate that key.

namespace telehealth::crypto {

inline constexpr std::size_t aead_key_size = 32;
inline constexpr std::size_t aead_nonce_size = 12;
inline constexpr std::size_t aead_tag_size = 16;

/// Raised when sealed data fails authentication: a wrong key, an altered or
/// truncated byte, or different associated data. The message does not name
/// the cause, because GCM cannot tell these apart.
class DecryptError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Encrypts and authenticates `plaintext`, and authenticates
/// `associated_data` without encrypting it. Returns
/// nonce (12 bytes) || ciphertext (same length as plaintext) || tag (16 bytes).
/// Throws std::invalid_argument unless `key` is 32 bytes, and
/// std::runtime_error if OpenSSL or the random generator fails.
Bytes seal(const SecretBytes& key, ByteView plaintext, ByteView associated_data);

/// Verifies and decrypts the output of seal(). `associated_data` must equal
/// the bytes given to seal(). Throws DecryptError if authentication fails and
/// std::invalid_argument unless `key` is 32 bytes.
Bytes open(const SecretBytes& key, ByteView sealed, ByteView associated_data);

}  // namespace telehealth::crypto
