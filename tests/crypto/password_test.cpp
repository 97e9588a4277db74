#include "crypto/password.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <regex>
#include <stdexcept>
#include <string>

namespace telehealth::crypto {
namespace {

// Hashes with libsodium directly, to build hashes this module would not make.
std::string hash_with(std::string_view password, unsigned long long operations,
                      std::size_t memory, int algorithm) {
  if (sodium_init() < 0) {
    throw std::runtime_error("sodium_init failed");
  }
  std::array<char, crypto_pwhash_STRBYTES> hash{};
  if (crypto_pwhash_str_alg(hash.data(), password.data(), password.size(), operations, memory,
                            algorithm) != 0) {
    throw std::runtime_error("crypto_pwhash_str_alg failed");
  }
  return hash.data();
}

TEST(Password, VerifyAcceptsRightPassword) {
  const std::string hash = hash_password("correct horse battery staple");
  EXPECT_TRUE(verify_password(hash, "correct horse battery staple"));
}

TEST(Password, VerifyRejectsWrongPassword) {
  const std::string hash = hash_password("correct horse battery staple");
  EXPECT_FALSE(verify_password(hash, "correct horse battery stapler"));
  EXPECT_FALSE(verify_password(hash, ""));
}

TEST(Password, HashIsArgon2idWithMinimumCost) {
  const std::string hash = hash_password("secret");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0U) << hash;

  std::smatch match;
  ASSERT_TRUE(std::regex_search(hash, match, std::regex(R"(\$m=(\d+),t=(\d+),p=(\d+)\$)")))
      << hash;
  EXPECT_GE(std::stoul(match[1].str()), 19456U);
  EXPECT_GE(std::stoul(match[2].str()), 2U);
}

TEST(Password, SamePasswordGetsDifferentSalts) {
  EXPECT_NE(hash_password("secret"), hash_password("secret"));
}

TEST(Password, VerifyRejectsMalformedHash) {
  EXPECT_FALSE(verify_password("", "secret"));
  EXPECT_FALSE(verify_password("not a hash", "secret"));
  EXPECT_FALSE(verify_password(std::string(200, '$'), "secret"));
  EXPECT_FALSE(verify_password(std::string("$argon2id$\0", 11), "secret"));
}

TEST(Password, FreshHashNeedsNoRehash) {
  EXPECT_FALSE(password_needs_rehash(hash_password("secret")));
}

TEST(Password, WeakerHashNeedsRehash) {
  const std::string weak = hash_with("secret", 1, std::size_t{8} * 1024 * 1024, crypto_pwhash_ALG_ARGON2ID13);
  EXPECT_TRUE(verify_password(weak, "secret"));
  EXPECT_TRUE(password_needs_rehash(weak));
}

TEST(Password, Argon2iHashNeedsRehash) {
  // Argon2i requires at least 3 passes in libsodium.
  const std::string argon2i =
      hash_with("secret", 3, password_memory_limit, crypto_pwhash_ALG_ARGON2I13);
  EXPECT_TRUE(verify_password(argon2i, "secret"));
  EXPECT_TRUE(password_needs_rehash(argon2i));
}

TEST(Password, MalformedHashNeedsRehash) {
  EXPECT_TRUE(password_needs_rehash(""));
  EXPECT_TRUE(password_needs_rehash("not a hash"));
}

}  // namespace
}  // namespace telehealth::crypto
