#include "records/encounter_notes.hpp"

#include "crypto/aead.hpp"
#include "crypto/random.hpp"
#include "records/detail/checks.hpp"
#include "records/patient_key.hpp"
#include "records/sealing.hpp"

namespace telehealth::records {

namespace {

// The note's header row, with the names of its author and signer.
struct Header {
  std::string id;
  std::string patient_id;
  scheduling::PersonRef clinician;
  std::string appointment_id;
  core::Seconds created_at;
  core::Seconds updated_at;
  NoteStatus status = NoteStatus::draft;
  std::int64_t current_version = 0;
  std::optional<NoteSignature> signature;
  std::optional<crypto::Bytes> legacy_note_sealed;
};

constexpr const char* kHeaderSelect =
    "SELECT e.id, e.patient_id, e.clinician_id, cu.display_name, e.appointment_id, e.created_at,"
    " coalesce(e.updated_at, e.created_at), e.status, e.current_version, e.signed_at,"
    " e.signed_by, su.display_name, coalesce(e.signed_version, 0),"
    " coalesce(encode(e.content_sha256, 'hex'), ''), e.note_sealed"
    " FROM encounters e JOIN users cu ON cu.id = e.clinician_id"
    " LEFT JOIN users su ON su.id = e.signed_by";

Header read_header(const db::Result& rows, int row) {
  Header header;
  header.id = std::string(rows.text(row, 0));
  header.patient_id = std::string(rows.text(row, 1));
  header.clinician = {std::string(rows.text(row, 2)), std::string(rows.text(row, 3))};
  header.appointment_id = std::string(rows.text(row, 4));
  header.created_at = rows.timestamp(row, 5);
  header.updated_at = rows.timestamp(row, 6);
  header.status = rows.text(row, 7) == "signed" ? NoteStatus::signed_note : NoteStatus::draft;
  header.current_version = rows.integer(row, 8);
  if (!rows.is_null(row, 9)) {
    NoteSignature signature;
    signature.at = rows.timestamp(row, 9);
    signature.by = {std::string(rows.text(row, 10)), std::string(rows.text(row, 11))};
    signature.version = rows.integer(row, 12);
    signature.content_sha256 = std::string(rows.text(row, 13));
    header.signature = std::move(signature);
  }
  if (!rows.is_null(row, 14)) header.legacy_note_sealed = rows.bytes(row, 14);
  return header;
}

bool is_author(const identity::PatientAccess& access, const Header& header) {
  return access.actor().user_id == header.clinician.id;
}

// Loads the note and applies the visibility rule: another patient's note
// and another clinician's draft are hidden, an unknown id is not found.
// `for_update` locks the row, so concurrent saves of one note queue up.
Header load_visible_header(const identity::PatientAccess& access, const std::string& encounter_id,
                           bool for_update) {
  const std::string sql = std::string(kHeaderSelect) + " WHERE e.id = $1" +
                          (for_update ? " FOR UPDATE OF e" : "");
  const auto rows = access.tx().exec(sql, {encounter_id});
  if (rows.empty()) core::throw_not_found();
  auto header = read_header(rows, 0);
  if (header.patient_id != access.patient_id()) throw NoteHidden();
  if (header.status == NoteStatus::draft && !is_author(access, header)) throw NoteHidden();
  return header;
}

// "encounter_note_versions.content_sealed:<row id>:<encounter id>:<version>":
// the table, column, row id and version, so a ciphertext moved to another
// row, note or version fails to open.
std::string version_associated_data(const std::string& version_id,
                                    const std::string& encounter_id, std::int64_t version) {
  return "encounter_note_versions.content_sealed:" + version_id + ":" + encounter_id + ":" +
         std::to_string(version);
}

nlohmann::json open_version_json(const crypto::SecretBytes& key, const std::string& version_id,
                                 const std::string& encounter_id, std::int64_t version,
                                 const crypto::Bytes& sealed) {
  const auto associated_data = version_associated_data(version_id, encounter_id, version);
  crypto::Bytes plaintext;
  try {
    plaintext = crypto::open(key, sealed, crypto::as_byte_view(associated_data));
  } catch (const crypto::DecryptError&) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "version " + version_id + " of encounter " + encounter_id +
                          " failed authentication: wrong key, altered bytes or moved row");
  }
  auto json = nlohmann::json::parse(plaintext.begin(), plaintext.end(), nullptr, false);
  if (!json.is_object()) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "version " + version_id + " does not hold a JSON object");
  }
  return json;
}

VersionKind parse_kind(std::string_view text) {
  if (text == "signed") return VersionKind::signed_note;
  if (text == "amendment") return VersionKind::amendment;
  return VersionKind::draft;
}

// Appends one version row; `sha256` is empty for a draft.
std::string insert_version(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                           const std::string& encounter_id, std::int64_t version,
                           VersionKind kind, const nlohmann::json& content,
                           const std::string& sha256) {
  const auto version_id = crypto::new_uuid();
  const auto key = patient_data_key(access, keyring);
  const auto plaintext = content.dump();
  const auto associated_data = version_associated_data(version_id, encounter_id, version);
  const auto sealed = crypto::seal(key, crypto::as_byte_view(plaintext),
                                   crypto::as_byte_view(associated_data));
  access.tx().exec(
      "INSERT INTO encounter_note_versions (id, encounter_id, version, kind, author_id,"
      " created_at, content_sealed, content_sha256)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, decode(nullif($8, ''), 'hex'))",
      {version_id, encounter_id, std::to_string(version), to_string(kind),
       access.actor().user_id, core::format_rfc3339(access.now()), db::bytea_param(sealed),
       sha256});
  return version_id;
}

// A note whose rows disagree with its header or its signatures was changed
// outside the application; the read fails rather than show it.
[[noreturn]] void throw_inconsistent(const std::string& encounter_id, const std::string& what) {
  throw core::Error(core::ErrorKind::internal, "internal error", {},
                    "encounter " + encounter_id + " is inconsistent: " + what);
}

// Recomputes the signed version's digest from its opened sections and the
// header, and compares it with the header and the row. A changed header
// (another signed version, signer or time) or a row put in place of the
// signed one fails, even when the row itself opens.
void verify_signed_content(const Header& header, std::string_view row_kind,
                           const std::string& row_sha256, const NoteSections& sections) {
  const auto& signature = *header.signature;
  if (row_kind != "signed") throw_inconsistent(header.id, "the signed version is not signed");
  NoteSignatureFacts facts;
  facts.encounter_id = header.id;
  facts.patient_id = header.patient_id;
  facts.clinician_id = header.clinician.id;
  facts.appointment_id = header.appointment_id;
  facts.version = signature.version;
  facts.signed_by = signature.by.id;
  facts.signed_at = signature.at;
  const auto digest = content_sha256_hex(canonical_note_encoding(facts, sections));
  if (digest != signature.content_sha256 || digest != row_sha256) {
    throw_inconsistent(header.id, "the digest of the signed version differs");
  }
}

// Recomputes an amendment's digest, which binds the note's digest, its
// version, author and time.
void verify_amendment(const Header& header, const NoteAmendment& amendment) {
  AmendmentSignatureFacts facts;
  facts.encounter_id = header.id;
  facts.patient_id = header.patient_id;
  facts.note_sha256 = header.signature->content_sha256;
  facts.version = amendment.version;
  facts.author_id = amendment.author.id;
  facts.created_at = amendment.created_at;
  if (content_sha256_hex(canonical_amendment_encoding(facts, amendment.content)) !=
      amendment.content_sha256) {
    throw_inconsistent(header.id,
                             "amendment " + std::to_string(amendment.version) + " differs");
  }
}

// A signed note's amendments are the versions after the signed one, up to
// the header's current version, with none missing.
void verify_amendment_sequence(const Header& header, const std::vector<NoteAmendment>& amendments) {
  auto expected = header.signature->version + 1;
  for (const auto& amendment : amendments) {
    if (amendment.version != expected) {
      throw_inconsistent(header.id, "amendment " + std::to_string(expected) + " is missing");
    }
    verify_amendment(header, amendment);
    ++expected;
  }
  if (expected != header.current_version + 1) {
    throw_inconsistent(header.id, "the versions end at " + std::to_string(expected - 1) +
                                            ", not at " + std::to_string(header.current_version));
  }
}

// The content rows a reader needs: the version shown (newest draft, or the
// signed version) and every amendment.
void load_body(const identity::PatientAccess& access, const crypto::SecretBytes* key,
               const Header& header, EncounterNote& note) {
  if (header.legacy_note_sealed) {
    // Written before versions existed: the single text is the free text.
    // Amendments added since are version rows like any other.
    if (key == nullptr) detail::require_data_key(std::nullopt, header.patient_id);
    try {
      note.sections.free_text = open_note(*key, header.id, *header.legacy_note_sealed);
    } catch (const crypto::DecryptError&) {
      throw core::Error(core::ErrorKind::internal, "internal error", {},
                        "note of encounter " + header.id + " failed authentication");
    }
  }
  if (header.current_version == 0) return;
  if (key == nullptr) detail::require_data_key(std::nullopt, header.patient_id);

  const auto displayed_version = header.status == NoteStatus::signed_note
                                     ? header.signature->version
                                     : header.current_version;
  const auto rows = access.tx().exec(
      "SELECT v.id, v.version, v.kind, v.author_id, u.display_name, v.created_at,"
      " v.content_sealed, coalesce(encode(v.content_sha256, 'hex'), '')"
      " FROM encounter_note_versions v JOIN users u ON u.id = v.author_id"
      " WHERE v.encounter_id = $1 AND (v.version = $2 OR v.kind = 'amendment')"
      " ORDER BY v.version",
      {header.id, std::to_string(displayed_version)});
  bool displayed_found = false;
  for (int row = 0; row < rows.rows(); ++row) {
    const std::string version_id(rows.text(row, 0));
    const auto version = rows.integer(row, 1);
    const auto content =
        open_version_json(*key, version_id, header.id, version, rows.bytes(row, 6));
    if (parse_kind(rows.text(row, 2)) == VersionKind::amendment) {
      NoteAmendment amendment;
      amendment.id = version_id;
      amendment.version = version;
      amendment.author = {std::string(rows.text(row, 3)), std::string(rows.text(row, 4))};
      amendment.created_at = rows.timestamp(row, 5);
      amendment.content = amendment_from_json(content);
      amendment.content_sha256 = std::string(rows.text(row, 7));
      note.amendments.push_back(std::move(amendment));
    } else {
      displayed_found = true;
      note.sections = sections_from_json(content);
      if (header.status == NoteStatus::signed_note && header.signature->version > 0) {
        verify_signed_content(header, rows.text(row, 2), std::string(rows.text(row, 7)),
                              note.sections);
      }
    }
  }
  const bool expects_displayed =
      header.status == NoteStatus::draft || header.signature->version > 0;
  if (expects_displayed && !displayed_found) {
    throw_inconsistent(header.id,
                             "version " + std::to_string(displayed_version) + " is missing");
  }
  if (header.status == NoteStatus::signed_note) {
    verify_amendment_sequence(header, note.amendments);
  }
}

EncounterNote note_from(const identity::PatientAccess& access, const crypto::SecretBytes* key,
                        const Header& header) {
  EncounterNote note;
  note.id = header.id;
  note.appointment_id = header.appointment_id;
  note.clinician = header.clinician;
  note.created_at = header.created_at;
  note.updated_at = header.updated_at;
  note.status = header.status;
  note.version = header.current_version;
  note.signature = header.signature;
  load_body(access, key, header, note);
  return note;
}

EncounterNote reread(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                     const std::string& encounter_id) {
  const auto header = load_visible_header(access, encounter_id, false);
  const auto key = patient_data_key(access, keyring);
  return note_from(access, &key, header);
}

[[noreturn]] void throw_signed() {
  throw core::Error(core::ErrorKind::conflict,
                    "the note is signed and can no longer change; add an amendment instead");
}

void require_version(const Header& header, std::int64_t expected_version) {
  if (header.current_version != expected_version) {
    throw core::Error(core::ErrorKind::conflict,
                      "version: the note was saved elsewhere and is now at version " +
                          std::to_string(header.current_version) + ", not " +
                          std::to_string(expected_version) +
                          "; reload the note, then make your change again",
                      "version");
  }
}

// Draft saves and signing change only the caller's own draft.
Header lock_own_draft(const identity::PatientAccess& access, const std::string& encounter_id,
                      std::int64_t expected_version) {
  detail::require_clinician(access, "write a note in a patient's record");
  auto header = load_visible_header(access, encounter_id, true);
  if (!is_author(access, header)) {
    if (header.status == NoteStatus::signed_note) throw_signed();
    throw NoteHidden();
  }
  if (header.status == NoteStatus::signed_note) throw_signed();
  require_version(header, expected_version);
  return header;
}

NoteSections newest_draft_sections(const identity::PatientAccess& access,
                                   const crypto::SecretBytes& key, const Header& header) {
  EncounterNote note;
  load_body(access, &key, header, note);
  return note.sections;
}

}  // namespace

NoteHidden::NoteHidden() : core::Error(core::ErrorKind::not_found, "not found") {}

const char* to_string(NoteStatus status) noexcept {
  return status == NoteStatus::signed_note ? "signed" : "draft";
}

const char* to_string(VersionKind kind) noexcept {
  switch (kind) {
    case VersionKind::draft: return "draft";
    case VersionKind::signed_note: return "signed";
    case VersionKind::amendment: return "amendment";
  }
  return "draft";
}

EncounterNote create_note(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                          const std::string& encounter_id, const std::string& appointment_id,
                          const NoteSections& sections, NoteStatus status) {
  detail::require_clinician(access, "write a note in a patient's record");
  detail::require_own_appointment(access, appointment_id);

  const auto now = core::format_rfc3339(access.now());
  access.tx().exec(
      "INSERT INTO encounters (id, patient_id, clinician_id, appointment_id, created_at,"
      " updated_at, status, current_version) VALUES ($1, $2, $3, $4, $5, $5, 'draft', 1)",
      {encounter_id, access.patient_id(), access.actor().user_id, appointment_id, now});
  insert_version(access, keyring, encounter_id, 1, VersionKind::draft, to_json(sections), "");
  if (status == NoteStatus::signed_note) return sign_note(access, keyring, encounter_id, 1);
  return reread(access, keyring, encounter_id);
}

EncounterNote save_draft(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                         const std::string& encounter_id, std::int64_t expected_version,
                         const NoteSections& sections) {
  const auto header = lock_own_draft(access, encounter_id, expected_version);
  const auto next = header.current_version + 1;
  access.tx().exec("UPDATE encounters SET current_version = $2, updated_at = $3 WHERE id = $1",
                   {encounter_id, std::to_string(next), core::format_rfc3339(access.now())});
  insert_version(access, keyring, encounter_id, next, VersionKind::draft, to_json(sections), "");
  return reread(access, keyring, encounter_id);
}

EncounterNote sign_note(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                        const std::string& encounter_id, std::int64_t expected_version) {
  const auto header = lock_own_draft(access, encounter_id, expected_version);
  const auto key = patient_data_key(access, keyring);
  const auto sections = newest_draft_sections(access, key, header);
  // A stored draft always has text, but signing checks again rather than
  // rely on every past writer.
  check_sections(sections, kNoteSectionFields.front());

  NoteSignatureFacts facts;
  facts.encounter_id = encounter_id;
  facts.patient_id = access.patient_id();
  facts.clinician_id = header.clinician.id;
  facts.appointment_id = header.appointment_id;
  facts.version = header.current_version + 1;
  facts.signed_by = access.actor().user_id;
  facts.signed_at = access.now();
  const auto sha256 = content_sha256_hex(canonical_note_encoding(facts, sections));

  const auto now = core::format_rfc3339(access.now());
  access.tx().exec(
      "UPDATE encounters SET status = 'signed', current_version = $2, updated_at = $3,"
      " signed_at = $3, signed_by = $4, signed_version = $2, content_sha256 = decode($5, 'hex')"
      " WHERE id = $1",
      {encounter_id, std::to_string(facts.version), now, facts.signed_by, sha256});
  insert_version(access, keyring, encounter_id, facts.version, VersionKind::signed_note,
                 to_json(sections), sha256);
  return reread(access, keyring, encounter_id);
}

NoteAmendment amend_note(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                         const std::string& encounter_id, const AmendmentContent& amendment) {
  detail::require_clinician(access, "write a note in a patient's record");
  const auto header = load_visible_header(access, encounter_id, true);
  if (!identity::has_treating_relationship(access.tx(), access.actor().user_id,
                                           access.patient_id())) {
    throw core::Error(core::ErrorKind::forbidden,
                      "only a clinician with an appointment with this patient may amend a note");
  }
  if (header.status != NoteStatus::signed_note) {
    throw core::Error(core::ErrorKind::conflict,
                      "the note is still a draft; edit the draft instead of amending it");
  }

  AmendmentSignatureFacts facts;
  facts.encounter_id = encounter_id;
  facts.patient_id = access.patient_id();
  facts.note_sha256 = header.signature->content_sha256;
  facts.version = header.current_version + 1;
  facts.author_id = access.actor().user_id;
  facts.created_at = access.now();
  const auto sha256 = content_sha256_hex(canonical_amendment_encoding(facts, amendment));

  access.tx().exec("UPDATE encounters SET current_version = $2, updated_at = $3 WHERE id = $1",
                   {encounter_id, std::to_string(facts.version),
                    core::format_rfc3339(access.now())});
  NoteAmendment added;
  added.id = insert_version(access, keyring, encounter_id, facts.version, VersionKind::amendment,
                            to_json(amendment), sha256);
  added.version = facts.version;
  added.author = detail::read_person(access.tx(), access.actor().user_id);
  added.created_at = access.now();
  added.content = amendment;
  added.content_sha256 = sha256;
  return added;
}

EncounterNote read_note(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                        const std::string& encounter_id) {
  const auto header = load_visible_header(access, encounter_id, false);
  const auto key = find_patient_data_key(access, keyring);
  return note_from(access, key ? &*key : nullptr, header);
}

std::vector<NoteVersion> list_versions(const identity::PatientAccess& access,
                                       const std::string& encounter_id) {
  const auto header = load_visible_header(access, encounter_id, false);
  const auto rows = access.tx().exec(
      "SELECT v.id, v.version, v.kind, v.author_id, u.display_name, v.created_at,"
      " coalesce(encode(v.content_sha256, 'hex'), '')"
      " FROM encounter_note_versions v JOIN users u ON u.id = v.author_id"
      " WHERE v.encounter_id = $1 AND (v.kind <> 'draft' OR $2)"
      " ORDER BY v.version",
      {encounter_id, is_author(access, header) ? "true" : "false"});
  std::vector<NoteVersion> versions;
  for (int row = 0; row < rows.rows(); ++row) {
    NoteVersion version;
    version.id = std::string(rows.text(row, 0));
    version.version = rows.integer(row, 1);
    version.kind = parse_kind(rows.text(row, 2));
    version.author = {std::string(rows.text(row, 3)), std::string(rows.text(row, 4))};
    version.created_at = rows.timestamp(row, 5);
    version.content_sha256 = std::string(rows.text(row, 6));
    versions.push_back(std::move(version));
  }
  return versions;
}

NoteVersion read_version(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                         const std::string& encounter_id, const std::string& version_id) {
  const auto header = load_visible_header(access, encounter_id, false);
  const auto rows = access.tx().exec(
      "SELECT v.id, v.version, v.kind, v.author_id, u.display_name, v.created_at,"
      " coalesce(encode(v.content_sha256, 'hex'), ''), v.content_sealed"
      " FROM encounter_note_versions v JOIN users u ON u.id = v.author_id"
      " WHERE v.id = $1 AND v.encounter_id = $2",
      {version_id, encounter_id});
  if (rows.empty()) core::throw_not_found();

  NoteVersion version;
  version.id = version_id;
  version.version = rows.integer(0, 1);
  version.kind = parse_kind(rows.text(0, 2));
  if (version.kind == VersionKind::draft && !is_author(access, header)) throw NoteHidden();
  version.author = {std::string(rows.text(0, 3)), std::string(rows.text(0, 4))};
  version.created_at = rows.timestamp(0, 5);
  version.content_sha256 = std::string(rows.text(0, 6));

  const auto key = find_patient_data_key(access, keyring);
  const auto content =
      open_version_json(detail::require_data_key(key, access.patient_id()), version_id,
                        encounter_id, version.version, rows.bytes(0, 7));
  if (version.kind == VersionKind::amendment) {
    version.amendment = amendment_from_json(content);
    if (header.signature) {
      verify_amendment(header, {version.id, version.version, version.author, version.created_at,
                                *version.amendment, version.content_sha256});
    }
  } else {
    version.sections = sections_from_json(content);
    if (version.kind == VersionKind::signed_note && header.signature &&
        header.signature->version == version.version) {
      verify_signed_content(header, rows.text(0, 2), version.content_sha256, *version.sections);
    }
  }
  return version;
}

std::vector<EncounterNote> read_visible_notes(const identity::PatientAccess& access,
                                              const std::optional<crypto::SecretBytes>& key) {
  const auto rows = access.tx().exec(
      std::string(kHeaderSelect) +
          " WHERE e.patient_id = $1 AND (e.status = 'signed' OR e.clinician_id = $2)"
          " ORDER BY e.created_at, e.id",
      {access.patient_id(), access.actor().user_id});
  std::vector<EncounterNote> notes;
  for (int row = 0; row < rows.rows(); ++row) {
    notes.push_back(note_from(access, key ? &*key : nullptr, read_header(rows, row)));
  }
  return notes;
}

EncounterNote create_encounter(const identity::PatientAccess& access,
                               const crypto::Keyring& keyring, const std::string& encounter_id,
                               const std::string& appointment_id, const std::string& note) {
  detail::require_clinician(access, "write a note in a patient's record");
  NoteSections sections;
  sections.free_text = note;
  sections = check_sections(std::move(sections), "note", "note");
  return create_note(access, keyring, encounter_id, appointment_id, sections,
                     NoteStatus::signed_note);
}

}  // namespace telehealth::records
