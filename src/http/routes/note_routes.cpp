#include "http/routes/note_routes.hpp"

#include <optional>
#include <utility>

#include "audit/chain.hpp"
#include "audit/sink.hpp"
#include "crypto/random.hpp"
#include "db/transaction.hpp"
#include "http/routes/patient_access.hpp"
#include "http/routes/scheduling_routes.hpp"
#include "identity/policy.hpp"

namespace telehealth::http {

namespace {

using identity::Role;

// Holds back a read's "allowed" event until the read has succeeded, then
// passes it to `target`. A read that then fails (an unknown note, another
// clinician's draft) is audited once, with the outcome that fits, instead
// of an "allowed" event already on its way to the group-commit writer plus
// a second event. Denials from authorize_patient pass through at once,
// because it commits and throws right after recording them.
class DeferredAllowedSink final : public audit::Sink {
 public:
  explicit DeferredAllowedSink(audit::Sink& target) : target_(target) {}

  void record(db::Transaction& tx, const audit::Event& event, core::Seconds now) override {
    if (event.outcome == audit::Outcome::allowed) {
      pending_.emplace_back(event, now);
    } else {
      target_.record(tx, event, now);
    }
  }

  void flush(db::Transaction& tx) {
    for (const auto& [event, now] : pending_) target_.record(tx, event, now);
    pending_.clear();
  }

 private:
  audit::Sink& target_;
  std::vector<std::pair<audit::Event, core::Seconds>> pending_;
};

// Appends a "denied" event for a note the policy let the caller reach
// through the patient, but that the note's own rule hides (NoteHidden).
void record_hidden_note(db::Connection& connection, const identity::Actor& actor,
                        const std::string& patient_id, const identity::RecordRef& record,
                        const std::string& event_type, core::Seconds now) {
  audit::Event event;
  event.event_type = event_type;
  event.actor_id = actor.user_id;
  event.actor_role = identity::to_string(actor.role);
  event.patient_id = patient_id;
  event.record_type = record.type;
  event.record_id = record.id;
  event.outcome = audit::Outcome::denied;
  event.client_ip = actor.client_ip;
  event.user_agent = actor.user_agent;
  event.request_id = actor.request_id;
  // NOTE: a clinician inside a break-glass episode gets this event without
  // the episode id, unlike the events authorize_patient writes.
  db::Transaction tx(connection);
  audit::append(tx, event, now);
  tx.commit();
}

// Decides access to the patient in the route, then runs `work` with the
// proof in the same transaction and commits, as with_patient_access in
// patient_access.hpp does. It differs in two ways: a read's allowed event
// is passed on only once the read succeeded (DeferredAllowedSink), and a
// NoteHidden failure is audited as denied rather than failed.
template <typename Work>
Response with_note_access(Services& services, Context& context, AccessKind kind,
                          const identity::RecordRef& record, const std::string& event_type,
                          Work work) {
  auto lease = services.pool.acquire();
  const auto& patient_id = context.param("patient_id");
  audit::TransactionSink in_transaction;
  std::optional<audit::GroupCommitSink> group_commit;
  if (kind == AccessKind::read && services.audit_writer != nullptr) {
    group_commit.emplace(*services.audit_writer, context.audit_tickets);
  }
  audit::Sink& target = group_commit ? static_cast<audit::Sink&>(*group_commit) : in_transaction;
  DeferredAllowedSink deferred(target);
  audit::Sink& sink = kind == AccessKind::read ? static_cast<audit::Sink&>(deferred) : target;

  std::exception_ptr failure;
  bool hidden = false;
  {
    db::Transaction tx(*lease);
    const auto access = identity::authorize_patient(tx, sink, context.signed_in(), patient_id,
                                                    record, event_type, context.now);
    try {
      Response response = work(access);
      deferred.flush(tx);
      tx.commit();
      return response;
    } catch (const records::NoteHidden&) {
      hidden = true;
      failure = std::current_exception();
    } catch (...) {
      failure = std::current_exception();
    }
  }
  if (hidden) {
    record_hidden_note(*lease, context.signed_in(), patient_id, record, event_type, context.now);
  } else {
    identity::record_failed_access(*lease, context.signed_in(), patient_id, record, event_type,
                                   context.now);
  }
  std::rethrow_exception(failure);
}

nlohmann::json optional_digest(const std::string& hex) {
  return hex.empty() ? nlohmann::json(nullptr) : nlohmann::json(hex);
}

nlohmann::json amendment_json(const records::NoteAmendment& amendment) {
  return {{"id", amendment.id},
          {"version", amendment.version},
          {"author", person_json(amendment.author)},
          {"created_at", core::format_rfc3339(amendment.created_at)},
          {"text", amendment.content.text},
          {"reason", amendment.content.reason},
          {"content_sha256", amendment.content_sha256}};
}

nlohmann::json signature_json(const std::optional<records::NoteSignature>& signature) {
  if (!signature) return nullptr;
  return {{"signed_by", person_json(signature->by)},
          {"signed_at", core::format_rfc3339(signature->at)},
          {"version", signature->version == 0 ? nlohmann::json(nullptr)
                                              : nlohmann::json(signature->version)},
          {"content_sha256", optional_digest(signature->content_sha256)}};
}

nlohmann::json version_json(const records::NoteVersion& version) {
  nlohmann::json json = {{"id", version.id},
                         {"version", version.version},
                         {"kind", records::to_string(version.kind)},
                         {"author", person_json(version.author)},
                         {"created_at", core::format_rfc3339(version.created_at)},
                         {"content_sha256", optional_digest(version.content_sha256)}};
  if (version.sections) json["sections"] = records::to_json(*version.sections);
  if (version.amendment) json["amendment"] = records::to_json(*version.amendment);
  return json;
}

// Reads the expected version a draft save or a signature starts from.
std::int64_t require_version(const nlohmann::json& body) {
  const auto version = require_integer(body, "version");
  if (version < 1) core::throw_unacceptable("version", "must be 1 or more");
  return version;
}

// The body's `status` decides the audit event type before the access
// decision, so it is read here without failing. Parse errors are reported
// inside the access, where they are audited.
bool asks_for_draft(const Context& context) {
  const auto body = nlohmann::json::parse(context.body, nullptr, false);
  if (!body.is_object()) return false;
  const auto found = body.find("status");
  return found != body.end() && found->is_string() && found->get<std::string>() == "draft";
}

// The new row's id is drawn before the access decision so that its audit
// event names the record it allowed to be written.
Response post_encounter(Services& services, Context& context) {
  const auto encounter_id = crypto::new_uuid();
  const auto event_type = asks_for_draft(context) ? "encounter.draft_save" : "encounter.create";
  return with_note_access(
      services, context, AccessKind::write, {"encounter", encounter_id}, event_type,
      [&](const identity::PatientAccess& access) {
        const auto body = context.json_body();
        const auto appointment_id = require_uuid(body, "appointment_id");
        const auto status = body.find("status");
        if (status == body.end() || status->is_null()) {
          // The shape notes had before drafts: one text, signed at once.
          const auto note = require_string(body, "note");
          return json_response(201, encounter_note_json(records::create_encounter(
                                        access, services.keyring, encounter_id, appointment_id,
                                        note)));
        }
        const auto status_text = require_string(body, "status");
        if (status_text != "draft" && status_text != "signed") {
          core::throw_unacceptable("status", "must be \"draft\" or \"signed\"");
        }
        const auto sections = records::parse_note_sections(body);
        const auto initial =
            status_text == "draft" ? records::NoteStatus::draft : records::NoteStatus::signed_note;
        return json_response(201, encounter_note_json(records::create_note(
                                      access, services.keyring, encounter_id, appointment_id,
                                      sections, initial)));
      });
}

Response put_draft(Services& services, Context& context) {
  const auto& encounter_id = context.param("encounter_id");
  return with_note_access(
      services, context, AccessKind::write, {"encounter", encounter_id}, "encounter.draft_save",
      [&](const identity::PatientAccess& access) {
        const auto body = context.json_body();
        const auto version = require_version(body);
        const auto sections = records::parse_note_sections(body);
        return json_response(200, encounter_note_json(records::save_draft(
                                      access, services.keyring, encounter_id, version, sections)));
      });
}

Response post_sign(Services& services, Context& context) {
  const auto& encounter_id = context.param("encounter_id");
  return with_note_access(
      services, context, AccessKind::write, {"encounter", encounter_id}, "encounter.sign",
      [&](const identity::PatientAccess& access) {
        const auto version = require_version(context.json_body());
        return json_response(200, encounter_note_json(records::sign_note(
                                      access, services.keyring, encounter_id, version)));
      });
}

Response post_amendment(Services& services, Context& context) {
  const auto& encounter_id = context.param("encounter_id");
  return with_note_access(
      services, context, AccessKind::write, {"encounter", encounter_id}, "encounter.amend",
      [&](const identity::PatientAccess& access) {
        const auto amendment = records::parse_amendment(context.json_body());
        return json_response(201, amendment_json(records::amend_note(
                                      access, services.keyring, encounter_id, amendment)));
      });
}

Response get_note(Services& services, Context& context) {
  const auto& encounter_id = context.param("encounter_id");
  return with_note_access(
      services, context, AccessKind::read, {"encounter", encounter_id}, "encounter.read",
      [&](const identity::PatientAccess& access) {
        return json_response(
            200, encounter_note_json(records::read_note(access, services.keyring, encounter_id)));
      });
}

Response get_versions(Services& services, Context& context) {
  const auto& encounter_id = context.param("encounter_id");
  return with_note_access(
      services, context, AccessKind::read, {"encounter", encounter_id}, "encounter.versions_read",
      [&](const identity::PatientAccess& access) {
        auto versions = nlohmann::json::array();
        for (const auto& version : records::list_versions(access, encounter_id)) {
          versions.push_back(version_json(version));
        }
        return json_response(200, {{"versions", std::move(versions)}});
      });
}

Response get_version(Services& services, Context& context) {
  const auto& encounter_id = context.param("encounter_id");
  const auto& version_id = context.param("version_id");
  return with_note_access(
      services, context, AccessKind::read, {"encounter_version", version_id},
      "encounter.version_read",
      [&](const identity::PatientAccess& access) {
        return json_response(200, version_json(records::read_version(
                                      access, services.keyring, encounter_id, version_id)));
      });
}

}  // namespace

nlohmann::json encounter_note_json(const records::EncounterNote& note) {
  auto amendments = nlohmann::json::array();
  for (const auto& amendment : note.amendments) amendments.push_back(amendment_json(amendment));
  nlohmann::json json = {{"id", note.id},
                         {"appointment_id", note.appointment_id},
                         {"clinician", person_json(note.clinician)},
                         {"created_at", core::format_rfc3339(note.created_at)},
                         {"updated_at", core::format_rfc3339(note.updated_at)},
                         {"status", records::to_string(note.status)},
                         {"version", note.version},
                         {"signature", signature_json(note.signature)},
                         {"amendments", std::move(amendments)}};
  for (const auto field : records::kNoteSectionFields) {
    json[std::string(field)] = records::section(note.sections, field);
  }
  // The free text under the name single-text notes used, for clients
  // written before notes had sections.
  json["note"] = note.sections.free_text;
  return json;
}

void add_note_routes(Router& router, Services& services) {
  const std::string note = "/api/patients/{patient_id}/encounters/{encounter_id}";
  router.add({"POST", "/api/patients/{patient_id}/encounters", Access::verified,
              {Role::clinician}, true},
             [&services](Context& context) { return post_encounter(services, context); });
  router.add({"GET", note, Access::verified, {Role::patient, Role::clinician}, true},
             [&services](Context& context) { return get_note(services, context); });
  router.add({"PUT", note, Access::verified, {Role::clinician}, true},
             [&services](Context& context) { return put_draft(services, context); });
  router.add({"POST", note + "/sign", Access::verified, {Role::clinician}, true},
             [&services](Context& context) { return post_sign(services, context); });
  router.add({"POST", note + "/amendments", Access::verified, {Role::clinician}, true},
             [&services](Context& context) { return post_amendment(services, context); });
  router.add({"GET", note + "/versions", Access::verified, {Role::patient, Role::clinician}, true},
             [&services](Context& context) { return get_versions(services, context); });
  router.add({"GET", note + "/versions/{version_id}", Access::verified,
              {Role::patient, Role::clinician}, true},
             [&services](Context& context) { return get_version(services, context); });
}

}  // namespace telehealth::http
