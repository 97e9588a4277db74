#include "crypto/hash.hpp"

#include <gtest/gtest.h>

#include "crypto/encoding.hpp"

namespace telehealth::crypto {
namespace {

TEST(Sha256, MatchesFips180Examples) {
  EXPECT_EQ(sha256_hex(as_byte_view("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(as_byte_view("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, ArrayMatchesHexForm) {
  const Sha256Digest digest = sha256(as_byte_view("abc"));
  EXPECT_EQ(hex_encode(digest), sha256_hex(as_byte_view("abc")));
}

// RFC 2202 test case 2 and RFC 4231 test case 2 share key and message.
constexpr std::string_view jefe_key = "Jefe";
constexpr std::string_view jefe_message = "what do ya want for nothing?";

TEST(HmacSha1, MatchesRfc2202TestCase2) {
  EXPECT_EQ(hex_encode(hmac_sha1(as_byte_view(jefe_key), as_byte_view(jefe_message))),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(HmacSha256, MatchesRfc4231TestCase2) {
  EXPECT_EQ(hex_encode(hmac_sha256(as_byte_view(jefe_key), as_byte_view(jefe_message))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Hmac, Sha512MatchesRfc4231TestCase2) {
  EXPECT_EQ(hex_encode(hmac(HashAlgorithm::sha512, as_byte_view(jefe_key),
                            as_byte_view(jefe_message))),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

TEST(Hmac, AcceptsEmptyKeyAndMessage) {
  EXPECT_EQ(hex_encode(hmac_sha256(ByteView{}, ByteView{})),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(ConstantTimeEqual, EqualBytesCompareEqual) {
  EXPECT_TRUE(constant_time_equal(as_byte_view("123456"), as_byte_view("123456")));
  EXPECT_TRUE(constant_time_equal(ByteView{}, ByteView{}));
}

TEST(ConstantTimeEqual, DifferentBytesCompareUnequal) {
  EXPECT_FALSE(constant_time_equal(as_byte_view("123456"), as_byte_view("123457")));
  EXPECT_FALSE(constant_time_equal(as_byte_view("023456"), as_byte_view("123456")));
}

TEST(ConstantTimeEqual, DifferentLengthsCompareUnequal) {
  EXPECT_FALSE(constant_time_equal(as_byte_view("12345"), as_byte_view("123456")));
  EXPECT_FALSE(constant_time_equal(ByteView{}, as_byte_view("1")));
}

}  // namespace
}  // namespace telehealth::crypto
