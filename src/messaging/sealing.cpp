#include "messaging/sealing.hpp"

#include "crypto/aead.hpp"

namespace telehealth::messaging {

std::string thread_key_associated_data(std::string_view thread_id, int key_version) {
  return "message_thread_keys:" + std::string(thread_id) + ":" + std::to_string(key_version);
}

std::string message_body_associated_data(std::string_view thread_id, std::string_view message_id,
                                         int key_version) {
  return "messages.body:" + std::string(thread_id) + ":" + std::string(message_id) + ":" +
         std::to_string(key_version);
}

std::string attachment_associated_data(std::string_view column, std::string_view attachment_id,
                                       int key_version) {
  return "message_attachments." + std::string(column) + ":" + std::string(attachment_id) + ":" +
         std::to_string(key_version);
}

crypto::Bytes seal_text(const crypto::SecretBytes& key, std::string_view associated_data,
                        std::string_view text) {
  return crypto::seal(key, crypto::as_byte_view(text), crypto::as_byte_view(associated_data));
}

std::string open_text(const crypto::SecretBytes& key, std::string_view associated_data,
                      crypto::ByteView sealed) {
  const auto plaintext = crypto::open(key, sealed, crypto::as_byte_view(associated_data));
  return {plaintext.begin(), plaintext.end()};
}

}  // namespace telehealth::messaging
