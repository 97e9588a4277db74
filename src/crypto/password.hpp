#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Password hashing with Argon2id (libsodium crypto_pwhash_str_alg). The cost
// follows the OWASP Password Storage Cheat Sheet minimum for Argon2id:
// 19 MiB of memory, 2 iterations, parallelism 1 (libsodium always uses 1).
// Each hash takes about 19 MiB while it runs, so callers should bound how
// many run at once.

namespace telehealth::crypto {

/// Memory cost in bytes: 19 MiB, stored in the PHC string as m=19456 (KiB).
inline constexpr std::size_t password_memory_limit = std::size_t{19} * 1024 * 1024;

/// Number of Argon2 passes over the memory, stored as t=2.
inline constexpr unsigned long long password_operations_limit = 2;

/// Hashes `password` with a random salt. Returns a PHC string such as
/// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>". Throws std::runtime_error
/// if libsodium cannot allocate the memory.
std::string hash_password(std::string_view password);

/// Checks `password` against a string from hash_password(). Returns false
/// for a wrong password and for a malformed or non-Argon2 hash.
bool verify_password(std::string_view hash, std::string_view password);

/// Returns true if `hash` was made with other parameters than the current
/// ones, or is not an Argon2id PHC string, so that the caller should store a
/// new hash after the next successful login.
bool password_needs_rehash(std::string_view hash);

}  // namespace telehealth::crypto
