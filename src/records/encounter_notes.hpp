#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "crypto/keyring.hpp"
#include "crypto/secret.hpp"
#include "identity/policy.hpp"
#include "records/note_content.hpp"
#include "scheduling/person.hpp"

// Encounter notes with drafts, signatures, amendments and versions.
//
// A clinician creates a note as a draft for one of their own booked
// appointments with the patient, then saves it again and again. Each save
// sends the version it started from, so a save from a stale copy fails
// (409) instead of overwriting a newer one. Only the author sees a draft.
// Signing locks the note: it records the signer, the time and the SHA-256
// of the canonical encoding (note_content.hpp). Later changes are
// amendments by a treating clinician, each signed in the same way.
//
// Every draft save, the signature and every amendment is a row of the
// append-only encounter_note_versions, sealed under the patient's data key
// with associated data naming the table, column, row id, encounter and
// version. Every function takes the PatientAccess that authorize_patient
// returns and works in its transaction.

namespace telehealth::records {

enum class NoteStatus { draft, signed_note };

const char* to_string(NoteStatus status) noexcept;

struct NoteSignature {
  scheduling::PersonRef by;
  core::Seconds at;
  std::int64_t version = 0;       // 0 for a note signed before versions existed
  std::string content_sha256;     // hex; empty for a note signed before hashes existed
};

struct NoteAmendment {
  std::string id;                 // the version row's id
  std::int64_t version = 0;
  scheduling::PersonRef author;
  core::Seconds created_at;
  AmendmentContent content;
  std::string content_sha256;     // hex
};

/// A note as its reader may see it: the latest draft for its author, or the
/// signed content with every amendment, oldest first.
struct EncounterNote {
  std::string id;
  std::string appointment_id;
  scheduling::PersonRef clinician;
  core::Seconds created_at;
  core::Seconds updated_at;
  NoteStatus status = NoteStatus::draft;
  std::int64_t version = 0;       // the newest version; 0 for a note from before versions
  NoteSections sections;
  std::optional<NoteSignature> signature;
  std::vector<NoteAmendment> amendments;
};

enum class VersionKind { draft, signed_note, amendment };

const char* to_string(VersionKind kind) noexcept;

/// One stored version. `sections` is set for draft and signed versions,
/// `amendment` for amendments; both are empty in a version list.
struct NoteVersion {
  std::string id;
  std::int64_t version = 0;
  VersionKind kind = VersionKind::draft;
  scheduling::PersonRef author;
  core::Seconds created_at;
  std::string content_sha256;     // hex; empty for drafts
  std::optional<NoteSections> sections;
  std::optional<AmendmentContent> amendment;
};

/// Thrown, as not_found (404) with the generic message, for a note the
/// caller may not see although the policy let them reach the patient:
/// another clinician's draft, or a note of another patient named in this
/// patient's path. The routes audit it as a denial.
class NoteHidden : public core::Error {
 public:
  NoteHidden();
};

/// Creates a note by the clinician of `access` for their own booked
/// appointment `appointment_id`, with `sections` already checked by
/// check_sections. A draft starts at version 1. With NoteStatus::signed_note
/// the note is also signed at once, as version 2.
///
/// Throws forbidden unless the actor is a clinician, not_found (field
/// appointment_id) unless the appointment is between this patient and this
/// clinician, and unacceptable (field appointment_id) if it was cancelled.
EncounterNote create_note(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                          const std::string& encounter_id, const std::string& appointment_id,
                          const NoteSections& sections, NoteStatus status);

/// Saves `sections` as the next version of the caller's own draft.
/// Throws NoteHidden for a note the caller may not edit, and conflict (409)
/// if the note is signed or its newest version is not `expected_version`
/// (field version).
EncounterNote save_draft(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                         const std::string& encounter_id, std::int64_t expected_version,
                         const NoteSections& sections);

/// Signs the caller's own draft at its newest version, which must be
/// `expected_version`. Throws as save_draft does.
EncounterNote sign_note(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                        const std::string& encounter_id, std::int64_t expected_version);

/// Adds a signed amendment to a signed note. The actor must be a clinician
/// with an appointment with the patient (forbidden otherwise). Throws
/// NoteHidden as save_draft does, and conflict (409) if the note is still a
/// draft.
NoteAmendment amend_note(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                         const std::string& encounter_id, const AmendmentContent& amendment);

/// Reads one note. Throws NoteHidden for a draft of another clinician and
/// for a note of another patient, and not_found for an unknown id.
EncounterNote read_note(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                        const std::string& encounter_id);

/// Lists the versions the caller may see, oldest first, without content:
/// every version for the note's author, and only the signed version and
/// amendments for anyone else. Throws as read_note does.
std::vector<NoteVersion> list_versions(const identity::PatientAccess& access,
                                       const std::string& encounter_id);

/// Reads one version with its content. Throws as read_note does, and
/// NoteHidden for a draft version read by anyone but the note's author.
NoteVersion read_version(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                         const std::string& encounter_id, const std::string& version_id);

/// Every note of the patient that the caller may see, oldest first: signed
/// notes, and the caller's own drafts. `key` is the patient's data key, or
/// nullopt when the patient has none yet.
std::vector<EncounterNote> read_visible_notes(const identity::PatientAccess& access,
                                              const std::optional<crypto::SecretBytes>& key);

/// Creates and signs a note whose only section is the free text `note`,
/// which is the shape notes had before they were structured. Errors name
/// the field `note`.
EncounterNote create_encounter(const identity::PatientAccess& access,
                               const crypto::Keyring& keyring, const std::string& encounter_id,
                               const std::string& appointment_id, const std::string& note);

}  // namespace telehealth::records
