#include "crypto/aead.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "crypto/random.hpp"

namespace telehealth::crypto {
namespace {

class AeadTest : public ::testing::Test {
 protected:
  SecretBytes key_ = random_secret(aead_key_size);
  const ByteView plaintext_ = as_byte_view("blood pressure 120/80");
  const ByteView associated_data_ = as_byte_view("patient_record:42");

  // Returns a sealed copy of plaintext_ with the byte at `index` flipped.
  Bytes sealed_with_flipped_byte(std::size_t index) {
    Bytes sealed = seal(key_, plaintext_, associated_data_);
    sealed.at(index) ^= 0x01;
    return sealed;
  }
};

TEST_F(AeadTest, RoundTripReturnsPlaintext) {
  const Bytes sealed = seal(key_, plaintext_, associated_data_);
  const Bytes opened = open(key_, sealed, associated_data_);
  EXPECT_EQ(opened, Bytes(plaintext_.begin(), plaintext_.end()));
}

TEST_F(AeadTest, SealedLayoutIsNonceCiphertextTag) {
  const Bytes sealed = seal(key_, plaintext_, associated_data_);
  EXPECT_EQ(sealed.size(), aead_nonce_size + plaintext_.size() + aead_tag_size);
}

TEST_F(AeadTest, EmptyPlaintextRoundTrips) {
  const Bytes sealed = seal(key_, ByteView{}, ByteView{});
  EXPECT_EQ(sealed.size(), aead_nonce_size + aead_tag_size);
  EXPECT_TRUE(open(key_, sealed, ByteView{}).empty());
}

TEST_F(AeadTest, SealingTwiceUsesDifferentNonces) {
  const Bytes first = seal(key_, plaintext_, associated_data_);
  const Bytes second = seal(key_, plaintext_, associated_data_);
  EXPECT_NE(Bytes(first.begin(), first.begin() + aead_nonce_size),
            Bytes(second.begin(), second.begin() + aead_nonce_size));
  EXPECT_NE(first, second);
}

TEST_F(AeadTest, FlippedNonceByteFails) {
  EXPECT_THROW(open(key_, sealed_with_flipped_byte(0), associated_data_), DecryptError);
  EXPECT_THROW(open(key_, sealed_with_flipped_byte(aead_nonce_size - 1), associated_data_),
               DecryptError);
}

TEST_F(AeadTest, FlippedCiphertextByteFails) {
  EXPECT_THROW(open(key_, sealed_with_flipped_byte(aead_nonce_size), associated_data_),
               DecryptError);
  EXPECT_THROW(open(key_, sealed_with_flipped_byte(aead_nonce_size + plaintext_.size() - 1),
                    associated_data_),
               DecryptError);
}

TEST_F(AeadTest, FlippedTagByteFails) {
  const std::size_t last = aead_nonce_size + plaintext_.size() + aead_tag_size - 1;
  EXPECT_THROW(open(key_, sealed_with_flipped_byte(last), associated_data_), DecryptError);
  EXPECT_THROW(open(key_, sealed_with_flipped_byte(last - aead_tag_size + 1), associated_data_),
               DecryptError);
}

TEST_F(AeadTest, DifferentAssociatedDataFails) {
  const Bytes sealed = seal(key_, plaintext_, associated_data_);
  EXPECT_THROW(open(key_, sealed, as_byte_view("patient_record:43")), DecryptError);
  EXPECT_THROW(open(key_, sealed, ByteView{}), DecryptError);
}

TEST_F(AeadTest, WrongKeyFails) {
  const Bytes sealed = seal(key_, plaintext_, associated_data_);
  const SecretBytes other_key = random_secret(aead_key_size);
  EXPECT_THROW(open(other_key, sealed, associated_data_), DecryptError);
}

TEST_F(AeadTest, TruncatedInputFails) {
  const Bytes sealed = seal(key_, plaintext_, associated_data_);
  EXPECT_THROW(open(key_, ByteView(sealed).first(aead_nonce_size + aead_tag_size - 1),
                    associated_data_),
               DecryptError);
  EXPECT_THROW(open(key_, ByteView(sealed).first(sealed.size() - 1), associated_data_),
               DecryptError);
}

TEST_F(AeadTest, KeyOfWrongSizeIsRejected) {
  const SecretBytes short_key = random_secret(16);
  EXPECT_THROW(seal(short_key, plaintext_, associated_data_), std::invalid_argument);
  EXPECT_THROW(open(short_key, Bytes(40), associated_data_), std::invalid_argument);
}

}  // namespace
}  // namespace telehealth::crypto
