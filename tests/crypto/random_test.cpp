#include "crypto/random.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <stdexcept>

#include "crypto/encoding.hpp"

namespace telehealth::crypto {
namespace {

TEST(RandomBytes, ReturnsRequestedLength) {
  EXPECT_EQ(random_bytes(0).size(), 0U);
  EXPECT_EQ(random_bytes(1).size(), 1U);
  EXPECT_EQ(random_bytes(1000).size(), 1000U);
}

TEST(RandomBytes, TwoCallsDiffer) {
  // Two equal 32-byte draws would have probability 2^-256.
  EXPECT_NE(random_bytes(32), random_bytes(32));
}

TEST(RandomSecret, ReturnsRequestedLength) {
  EXPECT_EQ(random_secret(32).size(), 32U);
}

TEST(NewUuid, MatchesVersion4Layout) {
  // RFC 9562 section 5.4: version nibble 4, variant bits 10 (hex 8, 9, a or b).
  const std::regex layout("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 100; ++i) {
    const std::string uuid = new_uuid();
    EXPECT_TRUE(std::regex_match(uuid, layout)) << uuid;
  }
}

TEST(NewUuid, TwoCallsDiffer) {
  EXPECT_NE(new_uuid(), new_uuid());
}

TEST(RandomToken, IsUnpaddedBase64url) {
  const std::string token = random_token(32);
  EXPECT_EQ(token.size(), 43U);
  EXPECT_TRUE(std::regex_match(token, std::regex("^[A-Za-z0-9_-]+$"))) << token;
  const std::optional<Bytes> decoded = base64url_decode(token);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->size(), 32U);
}

TEST(RandomToken, RejectsZeroBytes) {
  EXPECT_THROW(random_token(0), std::invalid_argument);
}

}  // namespace
}  // namespace telehealth::crypto
