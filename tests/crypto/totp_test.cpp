#include "crypto/totp.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "crypto/encoding.hpp"

namespace telehealth::crypto {
namespace {

// RFC 6238 Appendix B seeds: the ASCII digits "1234567890" repeated to 20,
// 32 and 64 bytes, one length per hash function.
constexpr std::string_view seed_sha1 = "12345678901234567890";
constexpr std::string_view seed_sha256 = "12345678901234567890123456789012";
constexpr std::string_view seed_sha512 =
    "1234567890123456789012345678901234567890123456789012345678901234";

struct TotpVector {
  std::int64_t unix_seconds;
  HashAlgorithm algorithm;
  std::string_view code;
};

// RFC 6238 Appendix B, all 18 rows: 8 digits, 30-second steps, T0 = 0.
constexpr TotpVector rfc6238_vectors[] = {
    {59, HashAlgorithm::sha1, "94287082"},
    {59, HashAlgorithm::sha256, "46119246"},
    {59, HashAlgorithm::sha512, "90693936"},
    {1111111109, HashAlgorithm::sha1, "07081804"},
    {1111111109, HashAlgorithm::sha256, "68084774"},
    {1111111109, HashAlgorithm::sha512, "25091201"},
    {1111111111, HashAlgorithm::sha1, "14050471"},
    {1111111111, HashAlgorithm::sha256, "67062674"},
    {1111111111, HashAlgorithm::sha512, "99943326"},
    {1234567890, HashAlgorithm::sha1, "89005924"},
    {1234567890, HashAlgorithm::sha256, "91819424"},
    {1234567890, HashAlgorithm::sha512, "93441116"},
    {2000000000, HashAlgorithm::sha1, "69279037"},
    {2000000000, HashAlgorithm::sha256, "90698825"},
    {2000000000, HashAlgorithm::sha512, "38618901"},
    {20000000000, HashAlgorithm::sha1, "65353130"},
    {20000000000, HashAlgorithm::sha256, "77737706"},
    {20000000000, HashAlgorithm::sha512, "47863826"},
};

ByteView rfc6238_seed(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::sha1:
      return as_byte_view(seed_sha1);
    case HashAlgorithm::sha256:
      return as_byte_view(seed_sha256);
    case HashAlgorithm::sha512:
      return as_byte_view(seed_sha512);
  }
  throw std::invalid_argument("unknown HashAlgorithm");
}

TEST(Totp, MatchesRfc6238AppendixB) {
  for (const TotpVector& vector : rfc6238_vectors) {
    SCOPED_TRACE(testing::Message() << "time " << vector.unix_seconds << ", algorithm "
                                    << static_cast<int>(vector.algorithm));
    const TotpParameters parameters{.step_seconds = 30, .digits = 8, .algorithm = vector.algorithm};
    EXPECT_EQ(totp(rfc6238_seed(vector.algorithm), vector.unix_seconds, parameters), vector.code);
  }
}

TEST(TotpTimeStep, MatchesRfc6238AppendixB) {
  EXPECT_EQ(totp_time_step(59), 0x1);
  EXPECT_EQ(totp_time_step(1111111109), 0x23523EC);
  EXPECT_EQ(totp_time_step(1111111111), 0x23523ED);
  EXPECT_EQ(totp_time_step(1234567890), 0x273EF07);
  EXPECT_EQ(totp_time_step(2000000000), 0x3F940AA);
  EXPECT_EQ(totp_time_step(20000000000), 0x27BC86AA);
}

TEST(TotpTimeStep, RejectsTimeBeforeT0) {
  EXPECT_THROW((void)totp_time_step(99, TotpParameters{.t0 = 100}), std::invalid_argument);
  EXPECT_THROW((void)totp_time_step(-1), std::invalid_argument);
}

TEST(TotpTimeStep, RejectsNonPositiveStep) {
  EXPECT_THROW((void)totp_time_step(100, TotpParameters{.step_seconds = 0}),
               std::invalid_argument);
}

TEST(Hotp, MatchesRfc4226AppendixD) {
  constexpr std::array<std::string_view, 10> expected = {
      "755224", "287082", "359152", "969429", "338314",
      "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < expected.size(); ++counter) {
    SCOPED_TRACE(counter);
    EXPECT_EQ(hotp(as_byte_view(seed_sha1), counter), expected[counter]);
  }
}

TEST(Hotp, RejectsUnsupportedDigitCounts) {
  EXPECT_THROW((void)hotp(as_byte_view(seed_sha1), 0, 5), std::invalid_argument);
  EXPECT_THROW((void)hotp(as_byte_view(seed_sha1), 0, 9), std::invalid_argument);
}

TEST(TotpMatch, ReturnsMatchedTimeStep) {
  const ByteView secret = as_byte_view(seed_sha1);
  const std::string code = totp(secret, 1234567890);
  EXPECT_EQ(totp_match(secret, code, 1234567890), 0x273EF07);
  EXPECT_EQ(totp_match(secret, code, 1234567890 + 30), 0x273EF07);
  EXPECT_EQ(totp_match(secret, code, 1234567890 - 30), 0x273EF07);
}

TEST(TotpMatch, RejectsCodeOutsideWindow) {
  const ByteView secret = as_byte_view(seed_sha1);
  const std::string code = totp(secret, 1234567890);
  EXPECT_FALSE(totp_match(secret, code, 1234567890 + 60).has_value());
  EXPECT_FALSE(totp_match(secret, code, 1234567890 - 60).has_value());
}

TEST(TotpMatch, ZeroWindowAcceptsCurrentStepOnly) {
  const ByteView secret = as_byte_view(seed_sha1);
  const std::string code = totp(secret, 1234567890);
  EXPECT_TRUE(totp_match(secret, code, 1234567890, 0).has_value());
  EXPECT_FALSE(totp_match(secret, code, 1234567890 + 30, 0).has_value());
}

TEST(TotpMatch, RejectsMalformedCodes) {
  const ByteView secret = as_byte_view(seed_sha1);
  const std::string code = totp(secret, 1234567890);
  EXPECT_FALSE(totp_match(secret, "", 1234567890).has_value());
  EXPECT_FALSE(totp_match(secret, code.substr(1), 1234567890).has_value());
  EXPECT_FALSE(totp_match(secret, code + "0", 1234567890).has_value());
  EXPECT_FALSE(totp_match(secret, " " + code.substr(1), 1234567890).has_value());
  EXPECT_FALSE(totp_match(secret, "12345a", 1234567890).has_value());
  EXPECT_FALSE(totp_match(secret, "+12345", 1234567890).has_value());
}

TEST(TotpMatch, RejectsWindowOutOfRange) {
  const ByteView secret = as_byte_view(seed_sha1);
  EXPECT_THROW((void)totp_match(secret, "123456", 1234567890, -1), std::invalid_argument);
  EXPECT_THROW((void)totp_match(secret, "123456", 1234567890, 11), std::invalid_argument);
}

TEST(OtpauthUri, BuildsKeyUriWithDefaults) {
  EXPECT_EQ(otpauth_uri("Example Clinic", "alice@example.com", "jbsw y3dp ehpk 3pxp"),
            "otpauth://totp/Example%20Clinic:alice%40example.com?secret=JBSWY3DPEHPK3PXP"
            "&issuer=Example%20Clinic&algorithm=SHA1&digits=6&period=30");
}

TEST(OtpauthUri, CarriesNonDefaultParameters) {
  const TotpParameters parameters{
      .step_seconds = 60, .digits = 8, .algorithm = HashAlgorithm::sha256};
  EXPECT_EQ(otpauth_uri("Clinic", "bob", "MZXW6YTBOI======", parameters),
            "otpauth://totp/Clinic:bob?secret=MZXW6YTBOI&issuer=Clinic&algorithm=SHA256"
            "&digits=8&period=60");
}

TEST(OtpauthUri, PercentEncodesReservedAndUtf8) {
  EXPECT_EQ(otpauth_uri("A&B/C?", "j\xC3\xB6rg", "MY"),
            "otpauth://totp/A%26B%2FC%3F:j%C3%B6rg?secret=MY&issuer=A%26B%2FC%3F"
            "&algorithm=SHA1&digits=6&period=30");
}

TEST(OtpauthUri, RejectsColonInLabel) {
  EXPECT_THROW((void)otpauth_uri("Clinic:East", "bob", "MY"), std::invalid_argument);
  EXPECT_THROW((void)otpauth_uri("Clinic", "bob:admin", "MY"), std::invalid_argument);
}

TEST(OtpauthUri, RejectsInvalidSecret) {
  EXPECT_THROW((void)otpauth_uri("Clinic", "bob", "not base32!"), std::invalid_argument);
  EXPECT_THROW((void)otpauth_uri("Clinic", "bob", ""), std::invalid_argument);
}

// Compatibility with oathtool from OATH Toolkit, an independent TOTP
// implementation. The test is skipped where oathtool is not installed.
constexpr const char* oathtool_path = "/usr/bin/oathtool";
constexpr std::string_view oathtool_secret = "JBSWY3DPEHPK3PXP";
constexpr std::array<std::int64_t, 4> oathtool_times = {1234567890, 1700000010, 1704067200,
                                                        2000000017};

// Formats `unix_seconds` as oathtool's --now expects: "2024-01-01 00:00:00 UTC".
std::string oathtool_time(std::int64_t unix_seconds) {
  const auto time = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  std::array<char, 32> text{};
  const std::size_t length = std::strftime(text.data(), text.size(), "%Y-%m-%d %H:%M:%S UTC", &utc);
  return std::string(text.data(), length);
}

// Runs oathtool for `unix_seconds` and returns its code without the newline.
std::string run_oathtool(std::int64_t unix_seconds, std::string_view mode, int digits) {
  const std::string command = fmt::format("{} --totp={} -d {} -b {} --now '{}'", oathtool_path,
                                          mode, digits, oathtool_secret,
                                          oathtool_time(unix_seconds));
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    throw std::runtime_error("popen failed for: " + command);
  }
  std::array<char, 64> buffer{};
  std::string output;
  while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) {
    output += buffer.data();
  }
  if (::pclose(pipe) != 0) {
    throw std::runtime_error("oathtool failed: " + command);
  }
  output.erase(output.find_last_not_of('\n') + 1);
  return output;
}

class OathtoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(oathtool_path, X_OK) != 0) {
      GTEST_SKIP() << oathtool_path << " is not installed";
    }
    secret_ = *base32_decode(oathtool_secret);
  }

  Bytes secret_;
};

TEST_F(OathtoolTest, Sha1CodesMatch) {
  for (const std::int64_t time : oathtool_times) {
    SCOPED_TRACE(oathtool_time(time));
    EXPECT_EQ(totp(secret_, time), run_oathtool(time, "SHA1", 6));
  }
}

TEST_F(OathtoolTest, Sha256EightDigitCodesMatch) {
  const TotpParameters parameters{.digits = 8, .algorithm = HashAlgorithm::sha256};
  for (const std::int64_t time : oathtool_times) {
    SCOPED_TRACE(oathtool_time(time));
    EXPECT_EQ(totp(secret_, time, parameters), run_oathtool(time, "SHA256", 8));
  }
}

TEST_F(OathtoolTest, Sha512CodesMatch) {
  const TotpParameters parameters{.algorithm = HashAlgorithm::sha512};
  for (const std::int64_t time : oathtool_times) {
    SCOPED_TRACE(oathtool_time(time));
    EXPECT_EQ(totp(secret_, time, parameters), run_oathtool(time, "SHA512", 6));
  }
}

TEST_F(OathtoolTest, MatchAcceptsOneStepDrift) {
  for (const std::int64_t time : oathtool_times) {
    SCOPED_TRACE(oathtool_time(time));
    const std::string code = run_oathtool(time, "SHA1", 6);
    const std::int64_t step = totp_time_step(time);
    EXPECT_EQ(totp_match(secret_, code, time), step);
    EXPECT_EQ(totp_match(secret_, code, time + 30), step);
    EXPECT_EQ(totp_match(secret_, code, time - 30), step);
  }
}

TEST_F(OathtoolTest, MatchRejectsTwoStepDrift) {
  for (const std::int64_t time : oathtool_times) {
    SCOPED_TRACE(oathtool_time(time));
    const std::string code = run_oathtool(time, "SHA1", 6);
    EXPECT_FALSE(totp_match(secret_, code, time + 60).has_value());
    EXPECT_FALSE(totp_match(secret_, code, time - 60).has_value());
  }
}

}  // namespace
}  // namespace telehealth::crypto
