#include "crypto/secret.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace telehealth::crypto {
namespace {

SecretBytes make_secret() {
  const std::vector<std::uint8_t> bytes = {'h', 'u', 'n', 't', 'e', 'r', '2'};
  return SecretBytes(bytes);
}

TEST(SecretBytes, FormatsAsRedactedThroughFmt) {
  const SecretBytes secret = make_secret();
  EXPECT_EQ(fmt::format("{}", secret), "<redacted>");
  EXPECT_EQ(fmt::format("key={}", secret), "key=<redacted>");
}

TEST(SecretBytes, FmtWidthAppliesToPlaceholder) {
  const SecretBytes secret = make_secret();
  EXPECT_EQ(fmt::format("{:>12}", secret), "  <redacted>");
}

TEST(SecretBytes, PrintsAsRedactedThroughOstream) {
  const SecretBytes secret = make_secret();
  std::ostringstream out;
  out << secret;
  EXPECT_EQ(out.str(), "<redacted>");
}

TEST(SecretBytes, GoogleTestPrinterShowsRedacted) {
  const SecretBytes secret = make_secret();
  EXPECT_EQ(::testing::PrintToString(secret), "<redacted>");
}

TEST(SecretBytes, CopiesBytesFromView) {
  const SecretBytes secret = make_secret();
  const std::vector<std::uint8_t> expected = {'h', 'u', 'n', 't', 'e', 'r', '2'};
  ASSERT_EQ(secret.size(), expected.size());
  EXPECT_EQ(std::vector<std::uint8_t>(secret.bytes().begin(), secret.bytes().end()), expected);
}

TEST(SecretBytes, SizeConstructorZeroFills) {
  const SecretBytes secret(16);
  ASSERT_EQ(secret.size(), 16U);
  for (const std::uint8_t byte : secret.bytes()) {
    EXPECT_EQ(byte, 0);
  }
}

TEST(SecretBytes, MoveEmptiesSource) {
  SecretBytes source = make_secret();
  const SecretBytes target = std::move(source);
  EXPECT_EQ(target.size(), 7U);
  EXPECT_TRUE(source.empty());  // NOLINT(bugprone-use-after-move): checks the moved-from state
}

TEST(SecretBytes, MoveAssignmentReplacesContent) {
  SecretBytes target(3);
  SecretBytes source = make_secret();
  target = std::move(source);
  EXPECT_EQ(target.size(), 7U);
  EXPECT_EQ(target.bytes()[0], 'h');
}

}  // namespace
}  // namespace telehealth::crypto
