#pragma once

#include <map>
#include <string>
#include <string_view>

#include "crypto/keyring.hpp"
#include "crypto/secret.hpp"
#include "db/transaction.hpp"

// Each message thread has its own data keys, one per key version, stored in
// message_thread_keys wrapped by the keyring's active key-encryption key.
// New messages are sealed under the highest version; every earlier version
// is kept, so messages sealed under it still open after a rotation.
// NOTE: unwrapped keys are not cached across requests, so each request that
// seals or opens a message unwraps the keys it needs again.

namespace telehealth::messaging {

struct ThreadKey {
  int version = 0;
  crypto::SecretBytes key;
};

/// Adds the next key version of `thread_id` (1 for a new thread): a new
/// random key, wrapped and inserted in `tx`. `reason` is "created",
/// "rotation" or "care_team_departure". Concurrent additions to one thread
/// queue on a transaction-scoped advisory lock, so each gets its own version.
/// Returns the new version.
int add_thread_key(db::Transaction& tx, const crypto::Keyring& keyring,
                   const std::string& thread_id, std::string_view reason);

/// Returns the highest key version of the thread with its key, for sealing.
/// Throws internal (500) if the thread has no key, unavailable (503) if the
/// keyring lacks the KEK version that wrapped it, and internal if the
/// wrapped key fails authentication.
ThreadKey current_thread_key(db::Transaction& tx, const crypto::Keyring& keyring,
                             const std::string& thread_id);

/// The thread keys one request opened, by version, so that a page of
/// messages unwraps each version once.
class ThreadKeys {
 public:
  ThreadKeys(db::Transaction& tx, const crypto::Keyring& keyring, std::string thread_id)
      : tx_(tx), keyring_(keyring), thread_id_(std::move(thread_id)) {}

  /// Returns the key of `version`; throws as current_thread_key does, and
  /// internal if the thread has no such version.
  const crypto::SecretBytes& get(int version);

 private:
  db::Transaction& tx_;
  const crypto::Keyring& keyring_;
  std::string thread_id_;
  std::map<int, crypto::SecretBytes> keys_;
};

}  // namespace telehealth::messaging
