#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/time.hpp"

// The content of an encounter note (five SOAP-style sections plus free text,
// each plain text) and of an amendment (its text and reason). Also the
// canonical encoding whose SHA-256 a signature records.

namespace telehealth::records {

/// A note's sections, each stored without leading and trailing whitespace.
/// An empty string is a section left blank.
struct NoteSections {
  std::string presenting_complaint;
  std::string history;
  std::string examination;
  std::string assessment;
  std::string plan;
  std::string free_text;

  bool operator==(const NoteSections&) const = default;
};

/// The JSON field names of the sections, in canonical order.
inline constexpr std::array<std::string_view, 6> kNoteSectionFields = {
    "presenting_complaint", "history", "examination", "assessment", "plan", "free_text"};

/// Maximum lengths in Unicode code points. The whole request body is also
/// limited to 64 KiB, so a note cannot fill every section to its maximum.
inline constexpr std::size_t kMaxSectionCharacters = 10000;
inline constexpr std::size_t kMaxFreeTextCharacters = 20000;
inline constexpr std::size_t kMaxAmendmentTextCharacters = 10000;
inline constexpr std::size_t kMaxAmendmentReasonCharacters = 1000;

/// The text of an amendment (addendum) and why it was added.
struct AmendmentContent {
  std::string text;
  std::string reason;

  bool operator==(const AmendmentContent&) const = default;
};

/// Returns the section named `field` (one of kNoteSectionFields).
std::string& section(NoteSections& sections, std::string_view field);
const std::string& section(const NoteSections& sections, std::string_view field);

/// Reads the sections from a request body. Each is optional (absent or null
/// is blank) but must be a string: invalid_field (400) names it otherwise.
/// Each is trimmed and checked by check_sections.
NoteSections parse_note_sections(const nlohmann::json& body);

/// Trims every section and checks it. Throws unacceptable (422) naming a
/// section over its maximum length, and naming `blank_field` when every
/// section is blank, because a note needs text in at least one section.
/// `free_text_field` is the name the caller used for the free text.
NoteSections check_sections(NoteSections sections, std::string_view blank_field,
                            std::string_view free_text_field = "free_text");

/// Reads `text` and `reason` from a request body: both required strings
/// (400 naming the field when missing), trimmed, neither blank nor over its
/// maximum length (422 naming the field).
AmendmentContent parse_amendment(const nlohmann::json& body);

nlohmann::json to_json(const NoteSections& sections);
nlohmann::json to_json(const AmendmentContent& amendment);

/// Inverse of to_json, for sealed content. Throws core::Error (internal) if
/// a field is missing or not a string.
NoteSections sections_from_json(const nlohmann::json& json);
AmendmentContent amendment_from_json(const nlohmann::json& json);

/// The facts a note's signature binds besides its sections.
struct NoteSignatureFacts {
  std::string encounter_id;
  std::string patient_id;
  std::string clinician_id;
  std::string appointment_id;
  std::int64_t version = 0;
  std::string signed_by;
  core::Seconds signed_at;
};

/// The facts an amendment's signature binds besides its text and reason.
struct AmendmentSignatureFacts {
  std::string encounter_id;
  std::string patient_id;
  std::string note_sha256;  // hex digest of the signed note; empty for a note signed before hashes
  std::int64_t version = 0;
  std::string author_id;
  core::Seconds created_at;
};

/// The canonical encoding of a signed note, as UTF-8 bytes:
///
///   "telehealth-encounter-note-v1\n", then one line per field in this order:
///   encounter_id, patient_id, clinician_id, appointment_id, version,
///   signed_by, signed_at, presenting_complaint, history, examination,
///   assessment, plan, free_text.
///
/// Each field line is `<name>:<length>:<value>\n`, where `<length>` is the
/// value's length in UTF-8 bytes written in decimal, so a value that contains
/// a line break or a colon cannot be mistaken for another field. Ids are
/// lowercase UUIDs, `version` a decimal integer, `signed_at` RFC 3339 UTC
/// with whole seconds (2026-12-04T09:30:00Z), sections as stored (trimmed).
std::string canonical_note_encoding(const NoteSignatureFacts& facts,
                                    const NoteSections& sections);

/// The canonical encoding of an amendment: "telehealth-encounter-amendment-v1\n",
/// then encounter_id, patient_id, note_sha256, version, author_id,
/// created_at, reason, text, each as in canonical_note_encoding.
std::string canonical_amendment_encoding(const AmendmentSignatureFacts& facts,
                                         const AmendmentContent& amendment);

/// SHA-256 of `encoding` as 64 lowercase hex digits.
std::string content_sha256_hex(std::string_view encoding);

}  // namespace telehealth::records
