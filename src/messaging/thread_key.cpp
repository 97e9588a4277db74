#include "messaging/thread_key.hpp"

#include "core/error.hpp"
#include "messaging/sealing.hpp"

namespace telehealth::messaging {

namespace {

crypto::SecretBytes unwrap_key(const crypto::Keyring& keyring, const crypto::WrappedKey& wrapped,
                               const std::string& thread_id, int version) {
  try {
    return keyring.unwrap(wrapped, thread_key_associated_data(thread_id, version));
  } catch (const crypto::KeyringError& error) {
    throw core::Error(core::ErrorKind::unavailable,
                      "the keyring is unavailable; nothing was changed, try again shortly", {},
                      std::string("unwrap thread key: ") + error.what());
  } catch (const crypto::DecryptError&) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "wrapped key version " + std::to_string(version) + " of thread " +
                          thread_id + " failed authentication");
  }
}

crypto::SecretBytes read_key(db::Transaction& tx, const crypto::Keyring& keyring,
                             const std::string& thread_id, int version) {
  const auto rows = tx.exec(
      "SELECT kek_version, wrapped_key FROM message_thread_keys"
      " WHERE thread_id = $1 AND key_version = $2",
      {thread_id, std::to_string(version)});
  if (rows.empty()) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "thread " + thread_id + " has no key version " + std::to_string(version));
  }
  crypto::WrappedKey wrapped;
  wrapped.kek_version = static_cast<int>(rows.integer(0, 0));
  wrapped.sealed = rows.bytes(0, 1);
  return unwrap_key(keyring, wrapped, thread_id, version);
}

}  // namespace

int add_thread_key(db::Transaction& tx, const crypto::Keyring& keyring,
                   const std::string& thread_id, std::string_view reason) {
  // The application role may not lock rows (no UPDATE grant), so rotations
  // of one thread serialise on an advisory lock named after it instead.
  tx.exec("SELECT pg_advisory_xact_lock(hashtextextended('message_thread_keys:' || $1, 0))",
          {thread_id});
  const auto rows = tx.exec(
      "SELECT coalesce(max(key_version), 0) + 1 FROM message_thread_keys WHERE thread_id = $1",
      {thread_id});
  const int version = static_cast<int>(rows.integer(0, 0));

  const auto key = crypto::new_data_key();
  const auto wrapped = keyring.wrap(key, thread_key_associated_data(thread_id, version));
  tx.exec(
      "INSERT INTO message_thread_keys (thread_id, key_version, kek_version, wrapped_key, reason)"
      " VALUES ($1, $2, $3, $4, $5)",
      {thread_id, std::to_string(version), std::to_string(wrapped.kek_version),
       db::bytea_param(wrapped.sealed), std::string(reason)});
  return version;
}

ThreadKey current_thread_key(db::Transaction& tx, const crypto::Keyring& keyring,
                             const std::string& thread_id) {
  const auto rows = tx.exec(
      "SELECT max(key_version) FROM message_thread_keys WHERE thread_id = $1", {thread_id});
  if (rows.is_null(0, 0)) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "thread " + thread_id + " has no data key");
  }
  const int version = static_cast<int>(rows.integer(0, 0));
  return {version, read_key(tx, keyring, thread_id, version)};
}

const crypto::SecretBytes& ThreadKeys::get(int version) {
  auto found = keys_.find(version);
  if (found == keys_.end()) {
    found = keys_.emplace(version, read_key(tx_, keyring_, thread_id_, version)).first;
  }
  return found->second;
}

}  // namespace telehealth::messaging
