#pragma once

#include <string>
#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/secret.hpp"

// AES-256-GCM sealing of message contents under a thread's data key. The
// associated data names the table, the column, the row (and for a message
// body also the thread) and the key version, so a sealed value copied to
// another row, thread or column, or relabelled with another key version,
// fails to open.

namespace telehealth::messaging {

/// "message_thread_keys:<thread id>:<key version>", bound to a wrapped thread key.
std::string thread_key_associated_data(std::string_view thread_id, int key_version);

/// "messages.body:<thread id>:<message id>:<key version>".
std::string message_body_associated_data(std::string_view thread_id, std::string_view message_id,
                                         int key_version);

/// "message_attachments.<column>:<attachment id>:<key version>", where
/// column is "filename" or "content".
std::string attachment_associated_data(std::string_view column, std::string_view attachment_id,
                                       int key_version);

crypto::Bytes seal_text(const crypto::SecretBytes& key, std::string_view associated_data,
                        std::string_view text);

/// Opens what seal_text sealed with the same key and associated data. Throws
/// crypto::DecryptError otherwise.
std::string open_text(const crypto::SecretBytes& key, std::string_view associated_data,
                      crypto::ByteView sealed);

}  // namespace telehealth::messaging
