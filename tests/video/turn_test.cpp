#include "video/turn.hpp"

#include <gtest/gtest.h>

namespace telehealth::video {
namespace {

TEST(TurnCredential, UsernameIsExpiryAndUser) {
  const core::Seconds expiry{std::chrono::seconds{1'796'400'000}};
  const auto credential = issue_turn_credential("secret", "user-1", expiry);
  EXPECT_EQ(credential.username, "1796400000:user-1");
  EXPECT_EQ(credential.expires_at, expiry);
}

TEST(TurnCredential, PasswordIsBase64HmacSha1) {
  // Reference value from: printf '1796400000:user-1' |
  //   openssl dgst -sha1 -hmac secret -binary | base64
  const core::Seconds expiry{std::chrono::seconds{1'796'400'000}};
  const auto credential = issue_turn_credential("secret", "user-1", expiry);
  EXPECT_EQ(credential.password, "xjzy9Gx1t6VyLnvYbvVo+BYQAkI=");
}

}  // namespace
}  // namespace telehealth::video
