#include "messaging/threads.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/log.hpp"
#include "crypto/aead.hpp"
#include "messaging/attachment.hpp"
#include "messaging/sealing.hpp"
#include "messaging/thread_key.hpp"

namespace telehealth::messaging {

namespace {

// The only text a notification may carry: no sender, patient or content.
constexpr const char* kNotificationText = "You have a new message";

constexpr const char* kSummaryColumns =
    "t.id, t.patient_id, p.display_name, t.clinician_id, c.display_name, t.created_at,"
    " (SELECT max(k.key_version) FROM message_thread_keys k WHERE k.thread_id = t.id),"
    " (SELECT max(m.created_at) FROM messages m WHERE m.thread_id = t.id)";

ThreadSummary summary_from(const db::Result& rows, int row) {
  ThreadSummary summary;
  summary.id = std::string(rows.text(row, 0));
  summary.patient = {std::string(rows.text(row, 1)), std::string(rows.text(row, 2))};
  summary.clinician = {std::string(rows.text(row, 3)), std::string(rows.text(row, 4))};
  summary.created_at = rows.timestamp(row, 5);
  summary.key_version = static_cast<int>(rows.integer(row, 6));
  if (!rows.is_null(row, 7)) summary.last_message_at = rows.timestamp(row, 7);
  return summary;
}

ThreadSummary read_summary(db::Transaction& tx, const std::string& thread_id,
                           const std::string& reader_id) {
  const auto rows = tx.exec(std::string("SELECT ") + kSummaryColumns +
                                " FROM message_threads t JOIN users p ON p.id = t.patient_id"
                                " JOIN users c ON c.id = t.clinician_id WHERE t.id = $1",
                            {thread_id});
  if (rows.empty()) core::throw_not_found();
  auto summary = summary_from(rows, 0);
  summary.unread = unread_count(tx, thread_id, reader_id);
  summary.can_send =
      identity::has_treating_relationship(tx, summary.clinician.id, summary.patient.id);
  return summary;
}

// Counts Unicode code points of valid UTF-8 (the JSON parser rejects
// anything else) by counting the bytes that start a character.
std::size_t count_characters(std::string_view utf8) {
  return static_cast<std::size_t>(std::count_if(
      utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n\f\v");
  return text.substr(first, last - first + 1);
}

// A text message must not be empty, but a caption beside an attachment may be.
std::string normalize_body(std::string_view body, bool may_be_empty) {
  const auto trimmed = trim(body);
  if (trimmed.empty() && !may_be_empty) {
    core::throw_unacceptable("body", "must not be empty; write a message");
  }
  if (count_characters(trimmed) > kMaxMessageCharacters) {
    core::throw_unacceptable("body", "must be at most 5000 characters; shorten the message");
  }
  return std::string(trimmed);
}

void require_can_send(const ThreadAccess& access) {
  const auto& parties = access.parties();
  if (!identity::has_treating_relationship(access.tx(), parties.clinician_id,
                                           parties.patient_id)) {
    throw core::Error(core::ErrorKind::conflict,
                      "this clinician is no longer on the patient's care team; the thread is "
                      "read-only");
  }
}

// Inserts the message row sealed under the current key, and the recipient's
// notification. Returns the stored message without attachment.
Message insert_message(const ThreadAccess& access, const ThreadKey& key,
                       const std::string& message_id, const std::string& body) {
  const auto& thread_id = access.thread_id();
  const auto sealed =
      seal_text(key.key, message_body_associated_data(thread_id, message_id, key.version), body);
  const auto rows = access.tx().exec(
      "INSERT INTO messages (id, thread_id, sender_id, key_version, body_sealed, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq",
      {message_id, thread_id, access.actor().user_id, std::to_string(key.version),
       db::bytea_param(sealed), core::format_rfc3339(access.now())});
  access.tx().exec(
      "INSERT INTO notification_outbox (recipient_id, channel, text) VALUES ($1, 'email', $2)",
      {access.other_party(), std::string(kNotificationText)});

  Message message;
  message.id = message_id;
  message.seq = rows.integer(0, 0);
  message.thread_id = thread_id;
  message.sender_id = access.actor().user_id;
  message.created_at = access.now();
  message.key_version = key.version;
  message.body = body;
  return message;
}

void log_unreadable(const std::string& what, const std::string& thread_id,
                    const std::string& row_id) {
  core::log(core::LogLevel::error, "messaging",
            what + " failed authentication: wrong key, altered bytes or moved row",
            {{"thread_id", thread_id}, {"id", row_id}});
}

Message message_from(const db::Result& rows, int row, const std::string& thread_id,
                     ThreadKeys& keys) {
  Message message;
  message.id = std::string(rows.text(row, 0));
  message.seq = rows.integer(row, 1);
  message.thread_id = thread_id;
  message.sender_id = std::string(rows.text(row, 2));
  message.created_at = rows.timestamp(row, 3);
  message.key_version = static_cast<int>(rows.integer(row, 4));
  try {
    message.body = open_text(keys.get(message.key_version),
                             message_body_associated_data(thread_id, message.id,
                                                          message.key_version),
                             rows.bytes(row, 5));
  } catch (const crypto::DecryptError&) {
    log_unreadable("message body", thread_id, message.id);
  }
  if (!rows.is_null(row, 6)) {
    AttachmentInfo attachment;
    attachment.id = std::string(rows.text(row, 6));
    attachment.content_type = std::string(rows.text(row, 7));
    attachment.size_bytes = rows.integer(row, 8);
    const int version = static_cast<int>(rows.integer(row, 10));
    try {
      attachment.filename =
          open_text(keys.get(version), attachment_associated_data("filename", attachment.id, version),
                    rows.bytes(row, 9));
    } catch (const crypto::DecryptError&) {
      log_unreadable("attachment filename", thread_id, attachment.id);
    }
    message.attachment = std::move(attachment);
  }
  if (!rows.is_null(row, 11)) message.read_at = rows.timestamp(row, 11);
  return message;
}

}  // namespace

std::int64_t unread_count(db::Transaction& tx, const std::string& thread_id,
                          const std::string& user_id) {
  return tx
      .exec(
          "SELECT count(*) FROM messages m WHERE m.thread_id = $1 AND m.sender_id <> $2"
          " AND m.seq > coalesce((SELECT max(r.up_to_seq) FROM message_read_receipts r"
          " WHERE r.thread_id = $1 AND r.reader_id = $2), 0)",
          {thread_id, user_id})
      .integer(0, 0);
}

ThreadList list_threads(db::Transaction& tx, const identity::Actor& actor) {
  ThreadList list;
  const auto rows = tx.exec(std::string("SELECT ") + kSummaryColumns +
                                " FROM message_threads t JOIN users p ON p.id = t.patient_id"
                                " JOIN users c ON c.id = t.clinician_id"
                                " WHERE t.patient_id = $1 OR t.clinician_id = $1"
                                " ORDER BY 8 DESC NULLS LAST, t.created_at DESC, t.id",
                            {actor.user_id});
  for (int row = 0; row < rows.rows(); ++row) {
    auto summary = summary_from(rows, row);
    summary.can_send =
        identity::has_treating_relationship(tx, summary.clinician.id, summary.patient.id);
    // A clinician who left the patient's care team no longer gets the thread.
    if (actor.role == identity::Role::clinician && !summary.can_send) continue;
    summary.unread = unread_count(tx, summary.id, actor.user_id);
    list.threads.push_back(std::move(summary));
  }

  // Pairs with a booked appointment, filtered by the same treating rule the
  // access policy applies.
  const auto pairs = tx.exec(
      "SELECT DISTINCT a.patient_id, p.display_name, a.clinician_id, c.display_name, t.id"
      " FROM appointments a JOIN users p ON p.id = a.patient_id"
      " JOIN users c ON c.id = a.clinician_id"
      " LEFT JOIN message_threads t ON t.patient_id = a.patient_id"
      " AND t.clinician_id = a.clinician_id"
      " WHERE a.status = 'booked' AND (a.patient_id = $1 OR a.clinician_id = $1)"
      " ORDER BY 2, 4",
      {actor.user_id});
  for (int row = 0; row < pairs.rows(); ++row) {
    Contact contact{{std::string(pairs.text(row, 0)), std::string(pairs.text(row, 1))},
                    {std::string(pairs.text(row, 2)), std::string(pairs.text(row, 3))},
                    pairs.optional_text(row, 4)};
    if (!identity::has_treating_relationship(tx, contact.clinician.id, contact.patient.id)) {
      continue;
    }
    list.contacts.push_back(std::move(contact));
  }
  return list;
}

std::optional<std::string> find_thread_id(db::Transaction& tx, const std::string& patient_id,
                                          const std::string& clinician_id) {
  const auto rows = tx.exec(
      "SELECT id FROM message_threads WHERE patient_id = $1 AND clinician_id = $2",
      {patient_id, clinician_id});
  if (rows.empty()) return std::nullopt;
  return std::string(rows.text(0, 0));
}

OpenedThread open_thread(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                         const std::string& new_thread_id, const std::string& clinician_id) {
  auto& tx = access.tx();
  const auto& actor = access.actor();
  const bool own_thread = actor.role == identity::Role::patient ||
                          (actor.role == identity::Role::clinician && actor.user_id == clinician_id);
  if (!own_thread ||
      !identity::has_treating_relationship(tx, clinician_id, access.patient_id())) {
    throw core::Error(core::ErrorKind::not_found,
                      "clinician_id: no clinician on this patient's care team has this id; "
                      "book an appointment first",
                      "clinician_id");
  }

  OpenedThread opened;
  const auto inserted = tx.exec(
      "INSERT INTO message_threads (id, patient_id, clinician_id, created_by, created_at)"
      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (patient_id, clinician_id) DO NOTHING"
      " RETURNING id",
      {new_thread_id, access.patient_id(), clinician_id, actor.user_id,
       core::format_rfc3339(access.now())});
  if (!inserted.empty()) {
    add_thread_key(tx, keyring, new_thread_id, "created");
    opened.created = true;
  }
  const auto thread_id = find_thread_id(tx, access.patient_id(), clinician_id);
  if (!thread_id) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "thread missing right after insert for patient " + access.patient_id());
  }
  opened.thread = read_summary(tx, *thread_id, actor.user_id);
  return opened;
}

ThreadSummary thread_summary(const ThreadAccess& access) {
  return read_summary(access.tx(), access.thread_id(), access.actor().user_id);
}

MessagePage read_messages(const ThreadAccess& access, const crypto::Keyring& keyring,
                          std::optional<std::int64_t> before, int limit) {
  MessagePage page;
  page.thread = thread_summary(access);
  // One row more than the page, to tell whether older messages remain.
  const auto rows = access.tx().exec(
      "SELECT m.id, m.seq, m.sender_id, m.created_at, m.key_version, m.body_sealed,"
      " a.id, a.content_type, a.size_bytes, a.filename_sealed, a.key_version,"
      " (SELECT min(r.read_at) FROM message_read_receipts r WHERE r.thread_id = m.thread_id"
      "  AND r.reader_id <> m.sender_id AND r.up_to_seq >= m.seq)"
      " FROM messages m LEFT JOIN message_attachments a ON a.message_id = m.id"
      " WHERE m.thread_id = $1 AND ($2::bigint IS NULL OR m.seq < $2)"
      " ORDER BY m.seq DESC LIMIT $3",
      {access.thread_id(), before ? db::Param(std::to_string(*before)) : db::Param(),
       std::to_string(limit + 1)});

  ThreadKeys keys(access.tx(), keyring, access.thread_id());
  const int shown = std::min(rows.rows(), limit);
  for (int row = shown - 1; row >= 0; --row) {
    page.messages.push_back(message_from(rows, row, access.thread_id(), keys));
  }
  if (rows.rows() > limit && !page.messages.empty()) page.next_before = page.messages.front().seq;
  return page;
}

Message send_message(const ThreadAccess& access, const crypto::Keyring& keyring,
                     const std::string& message_id, std::string_view body) {
  const auto text = normalize_body(body, false);
  require_can_send(access);
  const auto key = current_thread_key(access.tx(), keyring, access.thread_id());
  return insert_message(access, key, message_id, text);
}

Message send_attachment(const ThreadAccess& access, const crypto::Keyring& keyring,
                        const std::string& message_id, const std::string& attachment_id,
                        const NewAttachment& attachment, std::string_view caption) {
  const auto filename = normalize_filename(attachment.filename);
  require_allowed_content_type(attachment.content_type);
  require_acceptable_content(attachment.content_type, attachment.data);
  const auto text = normalize_body(caption, true);
  require_can_send(access);

  const auto key = current_thread_key(access.tx(), keyring, access.thread_id());
  auto message = insert_message(access, key, message_id, text);
  const auto sealed_name = seal_text(
      key.key, attachment_associated_data("filename", attachment_id, key.version), filename);
  const auto content_associated_data =
      attachment_associated_data("content", attachment_id, key.version);
  const auto sealed_content = crypto::seal(key.key, attachment.data,
                                           crypto::as_byte_view(content_associated_data));
  access.tx().exec(
      "INSERT INTO message_attachments (id, message_id, thread_id, key_version, content_type,"
      " size_bytes, filename_sealed, content_sealed, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      {attachment_id, message_id, access.thread_id(), std::to_string(key.version),
       attachment.content_type, std::to_string(attachment.data.size()),
       db::bytea_param(sealed_name), db::bytea_param(sealed_content),
       core::format_rfc3339(access.now())});
  message.attachment = AttachmentInfo{attachment_id, filename, attachment.content_type,
                                      static_cast<std::int64_t>(attachment.data.size())};
  return message;
}

AttachmentFile read_attachment(const ThreadAccess& access, const crypto::Keyring& keyring,
                               const std::string& attachment_id) {
  const auto rows = access.tx().exec(
      "SELECT key_version, content_type, filename_sealed, content_sealed"
      " FROM message_attachments WHERE id = $1 AND thread_id = $2",
      {attachment_id, access.thread_id()});
  if (rows.empty()) core::throw_not_found();

  const int version = static_cast<int>(rows.integer(0, 0));
  ThreadKeys keys(access.tx(), keyring, access.thread_id());
  AttachmentFile file;
  file.content_type = std::string(rows.text(0, 1));
  try {
    file.filename = open_text(keys.get(version),
                              attachment_associated_data("filename", attachment_id, version),
                              rows.bytes(0, 2));
    file.bytes = open_text(keys.get(version),
                           attachment_associated_data("content", attachment_id, version),
                           rows.bytes(0, 3));
  } catch (const crypto::DecryptError&) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "attachment " + attachment_id + " of thread " + access.thread_id() +
                          " failed authentication: wrong key, altered bytes or moved row");
  }
  return file;
}

ReadReceipt mark_read(const ThreadAccess& access, const std::string& message_id) {
  auto& tx = access.tx();
  const auto& reader = access.actor().user_id;
  const auto target = tx.exec("SELECT seq FROM messages WHERE id = $1 AND thread_id = $2",
                              {message_id, access.thread_id()});
  if (target.empty()) {
    throw core::Error(core::ErrorKind::not_found,
                      "message_id: this thread has no message with this id", "message_id");
  }
  const auto seq = target.integer(0, 0);
  const auto current = tx.exec(
      "SELECT r.up_to_seq, r.read_at, m.id FROM message_read_receipts r"
      " JOIN messages m ON m.thread_id = r.thread_id AND m.seq = r.up_to_seq"
      " WHERE r.thread_id = $1 AND r.reader_id = $2 ORDER BY r.up_to_seq DESC LIMIT 1",
      {access.thread_id(), reader});

  ReadReceipt receipt;
  if (!current.empty() && current.integer(0, 0) >= seq) {
    receipt.up_to_seq = current.integer(0, 0);
    receipt.read_at = current.timestamp(0, 1);
    receipt.message_id = std::string(current.text(0, 2));
  } else {
    tx.exec(
        "INSERT INTO message_read_receipts (thread_id, reader_id, up_to_seq, read_at)"
        " VALUES ($1, $2, $3, $4)",
        {access.thread_id(), reader, std::to_string(seq), core::format_rfc3339(access.now())});
    receipt.up_to_seq = seq;
    receipt.read_at = access.now();
    receipt.message_id = message_id;
  }
  receipt.unread = unread_count(tx, access.thread_id(), reader);
  return receipt;
}

int rotate_thread_key(const ThreadAccess& access, const crypto::Keyring& keyring) {
  return add_thread_key(access.tx(), keyring, access.thread_id(), "rotation");
}

}  // namespace telehealth::messaging
