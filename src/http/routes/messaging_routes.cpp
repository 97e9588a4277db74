#include "http/routes/messaging_routes.hpp"

#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "admin/elevation.hpp"
#include "audit/sink.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "db/transaction.hpp"
#include "http/query.hpp"
#include "identity/actor_event.hpp"
#include "identity/policy.hpp"
#include "messaging/attachment.hpp"
#include "messaging/care_team.hpp"
#include "messaging/live.hpp"
#include "messaging/threads.hpp"

namespace telehealth::http {

namespace {

using identity::Role;

nlohmann::json optional_time(const std::optional<core::Seconds>& time) {
  return time ? nlohmann::json(core::format_rfc3339(*time)) : nlohmann::json(nullptr);
}

nlohmann::json person_json(const messaging::Person& person) {
  return {{"id", person.id}, {"display_name", person.display_name}};
}

nlohmann::json thread_json(const messaging::ThreadSummary& thread) {
  return {{"id", thread.id},
          {"patient", person_json(thread.patient)},
          {"clinician", person_json(thread.clinician)},
          {"created_at", core::format_rfc3339(thread.created_at)},
          {"key_version", thread.key_version},
          {"unread", thread.unread},
          {"last_message_at", optional_time(thread.last_message_at)},
          {"can_send", thread.can_send}};
}

nlohmann::json message_json(const messaging::Message& message) {
  nlohmann::json attachment = nullptr;
  if (message.attachment) {
    const auto& info = *message.attachment;
    attachment = {{"id", info.id},
                  {"filename", info.filename ? nlohmann::json(*info.filename) : nullptr},
                  {"content_type", info.content_type},
                  {"size_bytes", info.size_bytes}};
  }
  return {{"id", message.id},
          {"seq", message.seq},
          {"thread_id", message.thread_id},
          {"sender_id", message.sender_id},
          {"created_at", core::format_rfc3339(message.created_at)},
          {"key_version", message.key_version},
          {"body", message.body ? nlohmann::json(*message.body) : nullptr},
          {"unreadable", !message.body.has_value()},
          {"attachment", std::move(attachment)},
          {"read_at", optional_time(message.read_at)}};
}

/// Live events to publish once the request's transaction has committed.
struct LiveEvents {
  std::vector<std::pair<std::string, std::string>> pending;  // user id, JSON text

  void add(const std::string& user_id, const nlohmann::json& event) {
    pending.emplace_back(user_id, event.dump());
  }
  void publish(Services& services) const {
    if (services.live_messages == nullptr) return;
    for (const auto& [user_id, text] : pending) services.live_messages->publish(user_id, text);
  }
};

// True unless the other party is a clinician who has left the patient's
// care team: their socket may still be open, but the thread is no longer
// theirs, so they get no event about it.
bool other_party_may_receive(const messaging::ThreadAccess& access) {
  const auto& parties = access.parties();
  if (access.other_party() != parties.clinician_id) return true;
  return identity::has_treating_relationship(access.tx(), parties.clinician_id,
                                             parties.patient_id);
}

// The "message" event for both parties, each with their own unread count.
void add_message_events(LiveEvents& events, const messaging::ThreadAccess& access,
                        const messaging::Message& message) {
  std::vector<std::string> recipients{access.actor().user_id};
  if (other_party_may_receive(access)) recipients.push_back(access.other_party());
  for (const auto& user_id : recipients) {
    events.add(user_id, {{"type", "message"},
                         {"thread_id", message.thread_id},
                         {"message_id", message.id},
                         {"sender_id", message.sender_id},
                         {"unread", messaging::unread_count(access.tx(), message.thread_id,
                                                            user_id)}});
  }
}

enum class Kind { read, write };

// Decides access to the thread in the route, then runs `work` with the
// proof in the same transaction and commits, as with_patient_access in
// records_routes.cpp does for a patient. authorize_thread audits a denial,
// the work's event commits with it, and a failure after an allowed decision
// gets a "failed" event of its own. Reads audit through the group-commit
// writer, writes in the transaction.
template <typename Work>
Response with_thread_access(Services& services, Context& context, Kind kind,
                            const identity::RecordRef& record, const std::string& event_type,
                            Work work) {
  auto lease = services.pool.acquire();
  const auto& thread_id = context.param("thread_id");
  audit::TransactionSink in_transaction;
  std::optional<audit::GroupCommitSink> group_commit;
  if (kind == Kind::read && services.audit_writer != nullptr) {
    group_commit.emplace(*services.audit_writer, context.audit_tickets);
  }
  audit::Sink& sink = group_commit ? static_cast<audit::Sink&>(*group_commit) : in_transaction;
  std::exception_ptr failure;
  std::string patient_id;
  {
    db::Transaction tx(*lease);
    const auto access = messaging::authorize_thread(tx, sink, context.signed_in(), thread_id,
                                                    record, event_type, context.now);
    patient_id = access.parties().patient_id;
    try {
      Response response = work(access);
      tx.commit();
      return response;
    } catch (...) {
      failure = std::current_exception();
    }
  }
  identity::record_failed_access(*lease, context.signed_in(), patient_id, record, event_type,
                                 context.now);
  std::rethrow_exception(failure);
}

Response list_threads(Services& services, Context& context) {
  auto lease = services.pool.acquire();
  db::Transaction tx(*lease);
  const auto list = messaging::list_threads(tx, context.signed_in());

  auto threads = nlohmann::json::array();
  std::string ids;
  for (const auto& thread : list.threads) {
    threads.push_back(thread_json(thread));
    ids += (ids.empty() ? "" : ",") + thread.id;
  }
  auto contacts = nlohmann::json::array();
  for (const auto& contact : list.contacts) {
    contacts.push_back({{"patient", person_json(contact.patient)},
                        {"clinician", person_json(contact.clinician)},
                        {"thread_id", contact.thread_id ? nlohmann::json(*contact.thread_id)
                                                        : nlohmann::json(nullptr)}});
  }

  // The list names the caller's patients or clinicians, so it is a PHI
  // read, audited with the ids of the threads it returned.
  auto event = identity::actor_event(context.signed_in(), "thread.list", audit::Outcome::allowed);
  event.record_type = "thread";
  if (!ids.empty()) event.result_ids = ids;
  if (services.audit_writer != nullptr) {
    audit::GroupCommitSink(*services.audit_writer, context.audit_tickets).record(tx, event,
                                                                                context.now);
  } else {
    audit::TransactionSink().record(tx, event, context.now);
  }
  tx.commit();
  return json_response(200, {{"threads", std::move(threads)}, {"contacts", std::move(contacts)}});
}

// Opens (or creates) the thread between the patient in the path and the
// clinician in the path. The new thread's id is drawn before the access
// decision so that its audit event names the thread it allowed to be made.
Response open_thread(Services& services, Context& context) {
  const auto& patient_id = context.param("patient_id");
  const auto& clinician_id = context.param("clinician_id");
  auto lease = services.pool.acquire();
  std::optional<std::string> existing;
  {
    db::Transaction lookup(*lease);
    existing = messaging::find_thread_id(lookup, patient_id, clinician_id);
    lookup.commit();
  }
  const auto thread_id = existing.value_or(crypto::new_uuid());
  const identity::RecordRef record{"thread", thread_id};

  std::exception_ptr failure;
  {
    db::Transaction tx(*lease);
    const auto access = identity::authorize_patient(tx, context.signed_in(), patient_id, record,
                                                    "thread.open", context.now);
    try {
      const auto opened = messaging::open_thread(access, services.keyring, thread_id, clinician_id);
      tx.commit();
      return json_response(opened.created ? 201 : 200, thread_json(opened.thread));
    } catch (...) {
      failure = std::current_exception();
    }
  }
  identity::record_failed_access(*lease, context.signed_in(), patient_id, record, "thread.open",
                                 context.now);
  std::rethrow_exception(failure);
}

Response read_messages(Services& services, Context& context) {
  const QueryParameters query(context.query, {"before", "limit"});
  const auto before = query.integer("before", 1, std::numeric_limits<std::int64_t>::max());
  const auto limit = static_cast<int>(query.integer("limit", 1, messaging::kMaxPageSize).value_or(50));
  return with_thread_access(
      services, context, Kind::read, {"thread", context.param("thread_id")}, "thread.read",
      [&](const messaging::ThreadAccess& access) {
        const auto page = messaging::read_messages(access, services.keyring, before, limit);
        auto messages = nlohmann::json::array();
        for (const auto& message : page.messages) messages.push_back(message_json(message));
        return json_response(
            200, {{"thread", thread_json(page.thread)},
                  {"messages", std::move(messages)},
                  {"next_before", page.next_before ? nlohmann::json(*page.next_before)
                                                   : nlohmann::json(nullptr)}});
      });
}

Response send_message(Services& services, Context& context) {
  const auto message_id = crypto::new_uuid();
  LiveEvents events;
  auto response = with_thread_access(
      services, context, Kind::write, {"message", message_id}, "message.send",
      [&](const messaging::ThreadAccess& access) {
        const auto body = require_string(context.json_body(), "body");
        const auto message = messaging::send_message(access, services.keyring, message_id, body);
        add_message_events(events, access, message);
        return json_response(201, message_json(message));
      });
  events.publish(services);
  return response;
}

messaging::NewAttachment parse_attachment(const nlohmann::json& body) {
  messaging::NewAttachment attachment;
  attachment.filename = require_string(body, "filename");
  attachment.content_type = require_string(body, "content_type");
  const auto data = require_string(body, "data");
  auto bytes = crypto::base64_decode(data);
  if (!bytes) core::throw_invalid_field("data", "must be the file's bytes in standard base64");
  attachment.data = std::move(*bytes);
  return attachment;
}

Response send_attachment(Services& services, Context& context) {
  const auto message_id = crypto::new_uuid();
  const auto attachment_id = crypto::new_uuid();
  LiveEvents events;
  auto response = with_thread_access(
      services, context, Kind::write, {"attachment", attachment_id}, "attachment.send",
      [&](const messaging::ThreadAccess& access) {
        const auto body = context.json_body();
        const auto attachment = parse_attachment(body);
        std::string caption;
        if (body.contains("body")) caption = require_string(body, "body");
        const auto message = messaging::send_attachment(access, services.keyring, message_id,
                                                        attachment_id, attachment, caption);
        add_message_events(events, access, message);
        return json_response(201, message_json(message));
      });
  events.publish(services);
  return response;
}

Response read_attachment(Services& services, Context& context) {
  const auto& attachment_id = context.param("attachment_id");
  return with_thread_access(
      services, context, Kind::read, {"attachment", attachment_id}, "attachment.read",
      [&](const messaging::ThreadAccess& access) {
        auto file = messaging::read_attachment(access, services.keyring, attachment_id);
        Response response;
        response.content_type = file.content_type;
        response.body = std::move(file.bytes);
        // TODO: serve from the documents store once it exists.
        response.headers.emplace_back("Content-Disposition",
                                      messaging::content_disposition(file.filename));
        return response;
      });
}

Response mark_read(Services& services, Context& context) {
  LiveEvents events;
  auto response = with_thread_access(
      services, context, Kind::write, {"thread", context.param("thread_id")},
      "message.read_receipt", [&](const messaging::ThreadAccess& access) {
        const auto message_id = require_uuid(context.json_body(), "message_id");
        const auto receipt = messaging::mark_read(access, message_id);
        const nlohmann::json read{{"type", "read"},
                                  {"thread_id", access.thread_id()},
                                  {"reader_id", access.actor().user_id},
                                  {"message_id", receipt.message_id},
                                  {"read_at", core::format_rfc3339(receipt.read_at)}};
        if (other_party_may_receive(access)) events.add(access.other_party(), read);
        events.add(access.actor().user_id, read);
        events.add(access.actor().user_id, {{"type", "unread"},
                                            {"thread_id", access.thread_id()},
                                            {"unread", receipt.unread}});
        return json_response(200, {{"message_id", receipt.message_id},
                                   {"read_at", core::format_rfc3339(receipt.read_at)},
                                   {"unread", receipt.unread}});
      });
  events.publish(services);
  return response;
}

Response rotate_key(Services& services, Context& context) {
  return with_thread_access(
      services, context, Kind::write, {"thread", context.param("thread_id")}, "thread.key_rotate",
      [&](const messaging::ThreadAccess& access) {
        const int version = messaging::rotate_thread_key(access, services.keyring);
        return json_response(201, {{"thread_id", access.thread_id()}, {"key_version", version}});
      });
}

Response record_departure(Services& services, Context& context) {
  {
    auto lease = services.pool.acquire();
    admin::require_elevation(*lease, context.session->token_hash, context.now);
  }
  const auto body = context.json_body();
  const auto patient_id = require_uuid(body, "patient_id");
  const auto clinician_id = require_uuid(body, "clinician_id");
  auto lease = services.pool.acquire();
  const auto departure =
      messaging::record_departure(*lease, services.keyring, context.signed_in(), crypto::new_uuid(),
                                  patient_id, clinician_id, context.now);
  return json_response(
      201, {{"id", departure.id},
            {"patient_id", departure.patient_id},
            {"clinician_id", departure.clinician_id},
            {"departed_at", core::format_rfc3339(departure.departed_at)},
            {"thread_id", departure.thread_id ? nlohmann::json(*departure.thread_id) : nullptr},
            {"thread_key_version", departure.thread_key_version
                                       ? nlohmann::json(*departure.thread_key_version)
                                       : nullptr}});
}

}  // namespace

void add_messaging_routes(Router& router, Services& services) {
  auto bind = [&services](Response (*handler)(Services&, Context&)) {
    return [&services, handler](Context& context) { return handler(services, context); };
  };
  const std::vector<Role> parties{Role::patient, Role::clinician};

  router.add({"GET", "/api/threads", Access::verified, parties, true}, bind(list_threads));
  router.add({"POST", "/api/patients/{patient_id}/threads/{clinician_id}", Access::verified,
              parties, true},
             bind(open_thread));
  router.add({"GET", "/api/threads/{thread_id}/messages", Access::verified, parties, true},
             bind(read_messages));
  router.add({"POST", "/api/threads/{thread_id}/messages", Access::verified, parties, true},
             bind(send_message));
  router.add({"POST", "/api/threads/{thread_id}/read", Access::verified, parties, true},
             bind(mark_read));
  router.add({"POST", "/api/threads/{thread_id}/attachments", Access::verified, parties, true},
             bind(send_attachment));
  router.add({"GET", "/api/threads/{thread_id}/attachments/{attachment_id}", Access::verified,
              parties, true},
             bind(read_attachment));
  router.add({"POST", "/api/threads/{thread_id}/key-rotations", Access::verified, parties, true},
             bind(rotate_key));

  router.add({"POST", "/api/admin/care-team-departures", Access::verified, {Role::admin}, false},
             bind(record_departure));

  // The server takes WebSocket upgrades of this path before routing
  // (detail/messages_live.cpp); a plain GET gets 426 Upgrade Required.
  router.add({"GET", "/api/messages/live", Access::verified, parties, true, true},
             [](Context& context) {
               return json_response(
                   426, {{"error",
                          {{"code", "upgrade_required"},
                           {"message", "this is a WebSocket route; open it with a WebSocket "
                                       "upgrade"}}},
                         {"request_id", context.request_id}});
             });
}

}  // namespace telehealth::http
