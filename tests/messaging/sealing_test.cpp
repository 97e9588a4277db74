#include "messaging/sealing.hpp"

#include <gtest/gtest.h>

#include "crypto/aead.hpp"
#include "crypto/keyring.hpp"

namespace telehealth::messaging {
namespace {

constexpr const char* kThread = "0b8c1a9e-4f59-4c53-9a0e-5f8c2d1e7a10";
constexpr const char* kOtherThread = "7d2f6c1b-8e3a-4b9d-a6c5-1f0e9d8c7b6a";
constexpr const char* kMessage = "3e6a9c2d-1b4f-4e8a-9d7c-6b5a4f3e2d1c";
constexpr const char* kOtherMessage = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f";

TEST(SealingTest, AssociatedDataNamesRowThreadAndVersion) {
  EXPECT_EQ(message_body_associated_data(kThread, kMessage, 2),
            std::string("messages.body:") + kThread + ":" + kMessage + ":2");
  EXPECT_EQ(thread_key_associated_data(kThread, 1),
            std::string("message_thread_keys:") + kThread + ":1");
  EXPECT_EQ(attachment_associated_data("content", kMessage, 3),
            std::string("message_attachments.content:") + kMessage + ":3");
}

TEST(SealingTest, MovedBodyFailsToOpen) {
  const auto key = crypto::new_data_key();
  const auto sealed =
      seal_text(key, message_body_associated_data(kThread, kMessage, 1), "See you on Tuesday.");
  EXPECT_EQ(open_text(key, message_body_associated_data(kThread, kMessage, 1), sealed),
            "See you on Tuesday.");

  // Another thread, another row, another key version or another column:
  // each fails authentication even under the same key.
  EXPECT_THROW(open_text(key, message_body_associated_data(kOtherThread, kMessage, 1), sealed),
               crypto::DecryptError);
  EXPECT_THROW(open_text(key, message_body_associated_data(kThread, kOtherMessage, 1), sealed),
               crypto::DecryptError);
  EXPECT_THROW(open_text(key, message_body_associated_data(kThread, kMessage, 2), sealed),
               crypto::DecryptError);
  EXPECT_THROW(open_text(key, attachment_associated_data("filename", kMessage, 1), sealed),
               crypto::DecryptError);
  EXPECT_THROW(open_text(crypto::new_data_key(), message_body_associated_data(kThread, kMessage, 1),
                         sealed),
               crypto::DecryptError);
}

}  // namespace
}  // namespace telehealth::messaging
