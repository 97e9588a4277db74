#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "crypto/bytes.hpp"
#include "crypto/keyring.hpp"
#include "db/transaction.hpp"
#include "identity/actor.hpp"
#include "identity/policy.hpp"
#include "messaging/thread_access.hpp"

// Message threads, one per patient-clinician pair, and their messages,
// attachments and read receipts. Message bodies, attachment names and
// attachment bytes are sealed under the thread's key (messaging/sealing.hpp)
// before they reach the database.

namespace telehealth::messaging {

inline constexpr std::size_t kMaxMessageCharacters = 5000;
inline constexpr int kMaxPageSize = 100;

struct Person {
  std::string id;
  std::string display_name;
};

struct ThreadSummary {
  std::string id;
  Person patient;
  Person clinician;
  core::Seconds created_at;
  int key_version = 0;            // the version new messages are sealed under
  std::int64_t unread = 0;        // messages from the other party the caller has not read
  std::optional<core::Seconds> last_message_at;
  bool can_send = true;           // false once the clinician left the patient's care team
};

/// A patient-clinician pair that the caller may open a thread with.
struct Contact {
  Person patient;
  Person clinician;
  std::optional<std::string> thread_id;  // set when their thread exists
};

struct AttachmentInfo {
  std::string id;
  std::optional<std::string> filename;  // nullopt when it failed authentication
  std::string content_type;
  std::int64_t size_bytes = 0;
};

struct Message {
  std::string id;
  std::int64_t seq = 0;  // orders the thread's messages; the pagination cursor
  std::string thread_id;
  std::string sender_id;
  core::Seconds created_at;
  int key_version = 0;
  /// nullopt when the sealed body failed authentication (a moved or altered
  /// row): the message is then shown as unreadable, never as other text.
  std::optional<std::string> body;
  std::optional<AttachmentInfo> attachment;
  std::optional<core::Seconds> read_at;  // when the other party read it
};

struct MessagePage {
  ThreadSummary thread;
  std::vector<Message> messages;          // oldest first
  std::optional<std::int64_t> next_before;  // pass as `before` for older ones
};

struct ThreadList {
  std::vector<ThreadSummary> threads;  // most recent message first
  std::vector<Contact> contacts;
};

/// Lists the threads of a patient or clinician with the caller's unread
/// counts, and the pairs the caller may message. A clinician gets only the
/// threads of patients they treat. Reads names, so the caller audits it.
ThreadList list_threads(db::Transaction& tx, const identity::Actor& actor);

/// The id of the thread between the pair, or nullopt. Ids only.
std::optional<std::string> find_thread_id(db::Transaction& tx, const std::string& patient_id,
                                          const std::string& clinician_id);

struct OpenedThread {
  ThreadSummary thread;
  bool created = false;
};

/// Returns the thread between the patient of `access` and `clinician_id`,
/// creating it (with key version 1) under `new_thread_id` if there is none.
/// A clinician may open only their own thread; the clinician must treat the
/// patient. Throws not_found (field clinician_id) otherwise.
OpenedThread open_thread(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                         const std::string& new_thread_id, const std::string& clinician_id);

ThreadSummary thread_summary(const ThreadAccess& access);

/// Up to `limit` messages older than seq `before` (the newest when
/// nullopt), oldest first.
MessagePage read_messages(const ThreadAccess& access, const crypto::Keyring& keyring,
                          std::optional<std::int64_t> before, int limit);

/// Seals and stores a text message under the thread's current key, and
/// queues the recipient's notification. Throws unacceptable (field body) for
/// an empty or over-long text, and conflict when the clinician no longer
/// treats the patient.
Message send_message(const ThreadAccess& access, const crypto::Keyring& keyring,
                     const std::string& message_id, std::string_view body);

struct NewAttachment {
  std::string filename;
  std::string content_type;
  crypto::Bytes data;
};

/// Stores a message that carries one attachment and an optional caption.
/// Validates the name, type and bytes (messaging/attachment.hpp) first.
Message send_attachment(const ThreadAccess& access, const crypto::Keyring& keyring,
                        const std::string& message_id, const std::string& attachment_id,
                        const NewAttachment& attachment, std::string_view caption);

struct AttachmentFile {
  std::string filename;
  std::string content_type;
  std::string bytes;
};

/// Opens one attachment of the thread. Throws not_found for an id outside
/// it and internal when it fails authentication.
AttachmentFile read_attachment(const ThreadAccess& access, const crypto::Keyring& keyring,
                               const std::string& attachment_id);

struct ReadReceipt {
  std::string message_id;     // the newest message read
  std::int64_t up_to_seq = 0;
  core::Seconds read_at;
  std::int64_t unread = 0;    // the reader's unread count afterwards
};

/// Records that the caller read every message of the thread up to
/// `message_id`. A receipt never moves back: reading an older message
/// returns the current receipt unchanged. Throws not_found (field
/// message_id) for a message outside the thread.
ReadReceipt mark_read(const ThreadAccess& access, const std::string& message_id);

/// The number of messages from the other party that `user_id` has not read.
std::int64_t unread_count(db::Transaction& tx, const std::string& thread_id,
                          const std::string& user_id);

/// Adds a new key version to the thread; later messages are sealed under it
/// and earlier ones keep opening under theirs. Returns the new version.
int rotate_thread_key(const ThreadAccess& access, const crypto::Keyring& keyring);

}  // namespace telehealth::messaging
