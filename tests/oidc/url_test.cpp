#include "oidc/detail/url.hpp"

#include <gtest/gtest.h>

namespace telehealth::oidc::detail {
namespace {

TEST(HttpsUrlTest, SplitsHostPortAndTarget) {
  const auto url = parse_https_url("https://login.example.test:8443/realms/a/auth?x=1");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "login.example.test");
  EXPECT_EQ(url->port, "8443");
  EXPECT_EQ(url->target, "/realms/a/auth?x=1");

  const auto bare = parse_https_url("https://[::1]");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->host, "::1");
  EXPECT_EQ(bare->port, "443");
  EXPECT_EQ(bare->target, "/");
}

TEST(HttpsUrlTest, RejectsUnsafeForms) {
  EXPECT_FALSE(parse_https_url("http://login.example.test/"));
  EXPECT_FALSE(parse_https_url("https://user@login.example.test/"));
  EXPECT_FALSE(parse_https_url("https://login.example.test/#fragment"));
  EXPECT_FALSE(parse_https_url("https://login.example.test:/"));
  EXPECT_FALSE(parse_https_url("https://login.example.test:99999/"));
  EXPECT_FALSE(parse_https_url("https:///path"));
}

TEST(FormEncodingTest, EncodesReservedCharacters) {
  EXPECT_EQ(percent_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(form_encode({{"scope", "openid email"}, {"state", "x-y_z.~"}}),
            "scope=openid%20email&state=x-y_z.~");
}

TEST(QueryParameterTest, DecodesFirstMatch) {
  EXPECT_EQ(query_parameter("code=a%2Bb&state=s+t&code=second", "code"), "a+b");
  EXPECT_EQ(query_parameter("code=a%2Bb&state=s+t", "state"), "s t");
  EXPECT_EQ(query_parameter("error", "error"), "");
  EXPECT_FALSE(query_parameter("code=1", "state"));
  EXPECT_FALSE(query_parameter("state=%zz", "state"));
  EXPECT_FALSE(query_parameter("state=%4", "state"));
}

}  // namespace
}  // namespace telehealth::oidc::detail
