#include "crypto/encoding.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace telehealth::crypto {
namespace {

Bytes to_bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

struct Vector {
  std::string_view plain;
  std::string_view encoded;
};

// RFC 4648 section 10.
constexpr Vector base64_vectors[] = {
    {"", ""},          {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

constexpr Vector base32_vectors[] = {
    {"", ""},
    {"f", "MY======"},
    {"fo", "MZXQ===="},
    {"foo", "MZXW6==="},
    {"foob", "MZXW6YQ="},
    {"fooba", "MZXW6YTB"},
    {"foobar", "MZXW6YTBOI======"},
};

TEST(Base64, EncodesRfc4648Vectors) {
  for (const Vector& vector : base64_vectors) {
    SCOPED_TRACE(vector.plain);
    EXPECT_EQ(base64_encode(to_bytes(vector.plain)), vector.encoded);
  }
}

TEST(Base64, DecodesRfc4648Vectors) {
  for (const Vector& vector : base64_vectors) {
    SCOPED_TRACE(vector.encoded);
    const std::optional<Bytes> decoded = base64_decode(vector.encoded);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, to_bytes(vector.plain));
  }
}

TEST(Base64, DecodeRejectsMissingPadding) {
  EXPECT_FALSE(base64_decode("Zg").has_value());
  EXPECT_FALSE(base64_decode("Zm8").has_value());
}

TEST(Base64, DecodeRejectsMalformedInput) {
  EXPECT_FALSE(base64_decode("Zm9v YmFy").has_value());
  EXPECT_FALSE(base64_decode("Zm9v\n").has_value());
  EXPECT_FALSE(base64_decode("Zm9*").has_value());
  EXPECT_FALSE(base64_decode("Z").has_value());
  EXPECT_FALSE(base64_decode("Zg==Zg==").has_value());
}

TEST(Base64, DecodeRejectsNonZeroPadBits) {
  // "Zh==" carries the same byte as "Zg==" with the 4 unused bits set to 0001.
  EXPECT_FALSE(base64_decode("Zh==").has_value());
}

TEST(Base64url, UsesUrlAlphabetWithoutPadding) {
  const Bytes bytes = {0xFB, 0xFF};
  EXPECT_EQ(base64_encode(bytes), "+/8=");
  EXPECT_EQ(base64url_encode(bytes), "-_8");
}

TEST(Base64url, RoundTripsAllByteValues) {
  Bytes bytes;
  for (int value = 0; value < 256; ++value) {
    bytes.push_back(static_cast<std::uint8_t>(value));
  }
  const std::optional<Bytes> decoded = base64url_decode(base64url_encode(bytes));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, bytes);
}

TEST(Base64url, DecodeRejectsPaddingAndStandardAlphabet) {
  EXPECT_FALSE(base64url_decode("Zg==").has_value());
  EXPECT_FALSE(base64url_decode("+/8").has_value());
  EXPECT_FALSE(base64url_decode("Z").has_value());
}

TEST(Base32, EncodesRfc4648Vectors) {
  for (const Vector& vector : base32_vectors) {
    SCOPED_TRACE(vector.plain);
    EXPECT_EQ(base32_encode(to_bytes(vector.plain)), vector.encoded);
  }
}

TEST(Base32, DecodesRfc4648Vectors) {
  for (const Vector& vector : base32_vectors) {
    SCOPED_TRACE(vector.encoded);
    const std::optional<Bytes> decoded = base32_decode(vector.encoded);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, to_bytes(vector.plain));
  }
}

TEST(Base32, DecodeAcceptsLowercaseSpacesNoPadding) {
  EXPECT_EQ(base32_decode("mzxw6ytboi"), to_bytes("foobar"));
  EXPECT_EQ(base32_decode("MZXW 6YTB OI"), to_bytes("foobar"));
  EXPECT_EQ(base32_decode("mzxw 6ytb oi======"), to_bytes("foobar"));
  EXPECT_EQ(base32_decode("MY"), to_bytes("f"));
}

TEST(Base32, DecodeRejectsInvalidCharacters) {
  EXPECT_FALSE(base32_decode("MZXW1===").has_value());
  EXPECT_FALSE(base32_decode("MZXW8===").has_value());
  EXPECT_FALSE(base32_decode("MZXW-6YTB").has_value());
}

TEST(Base32, DecodeRejectsPaddingBeforeData) {
  EXPECT_FALSE(base32_decode("MY==MY==").has_value());
}

TEST(Base32, DecodeRejectsImpossibleLengths) {
  EXPECT_FALSE(base32_decode("M").has_value());
  EXPECT_FALSE(base32_decode("MZX").has_value());
  EXPECT_FALSE(base32_decode("MZXW6Y").has_value());
}

TEST(Base32, DecodeRejectsNonZeroPadBits) {
  // "MZ" carries the same byte as "MY" with the 2 unused bits set to 01.
  EXPECT_FALSE(base32_decode("MZ").has_value());
}

TEST(Hex, EncodesLowercase) {
  // RFC 4648 section 10 gives the base16 vector in uppercase: 666F6F626172.
  EXPECT_EQ(hex_encode(to_bytes("foobar")), "666f6f626172");
  EXPECT_EQ(hex_encode(Bytes{0x00, 0xAB, 0xFF}), "00abff");
  EXPECT_EQ(hex_encode(Bytes{}), "");
}

}  // namespace
}  // namespace telehealth::crypto
