#include "crypto/password.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "crypto/detail/sodium_init.hpp"

namespace telehealth::crypto {

namespace {

// libsodium's verify and rehash functions read a NUL-terminated string of at
// most crypto_pwhash_STRBYTES bytes. Returns false if `hash` cannot be one.
bool copy_hash_string(std::string_view hash, std::array<char, crypto_pwhash_STRBYTES>& out) {
  if (hash.size() >= out.size() || hash.find('\0') != std::string_view::npos) {
    return false;
  }
  out.fill('\0');
  hash.copy(out.data(), hash.size());
  return true;
}

}  // namespace

std::string hash_password(std::string_view password) {
  detail::ensure_sodium_initialized();
  std::array<char, crypto_pwhash_STRBYTES> hash{};
  if (crypto_pwhash_str_alg(hash.data(), password.data(), password.size(),
                            password_operations_limit, password_memory_limit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("Argon2id password hashing failed: out of memory");
  }
  return std::string(hash.data());
}

bool verify_password(std::string_view hash, std::string_view password) {
  detail::ensure_sodium_initialized();
  std::array<char, crypto_pwhash_STRBYTES> terminated{};
  if (!copy_hash_string(hash, terminated)) {
    return false;
  }
  return crypto_pwhash_str_verify(terminated.data(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view hash) {
  detail::ensure_sodium_initialized();
  std::array<char, crypto_pwhash_STRBYTES> terminated{};
  if (!copy_hash_string(hash, terminated)) {
    return true;
  }
  // The Argon2id-specific check returns 1 for other parameters and -1 for a
  // string that is not Argon2id. The generic crypto_pwhash_str_needs_rehash
  // would return 0 for an Argon2i hash with the same costs.
  return crypto_pwhash_argon2id_str_needs_rehash(terminated.data(), password_operations_limit,
                                                 password_memory_limit) != 0;
}

}  // namespace telehealth::crypto
