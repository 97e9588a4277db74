#include "records/note_content.hpp"

#include "core/error.hpp"
#include "crypto/hash.hpp"
#include "records/text.hpp"

namespace telehealth::records {

namespace {

std::size_t max_characters(std::string_view field) {
  return field == "free_text" ? kMaxFreeTextCharacters : kMaxSectionCharacters;
}

void check_length(std::string_view value, const std::string& field, std::size_t maximum) {
  const auto length = count_characters(value);
  if (length > maximum) {
    core::throw_unacceptable(field, "must be at most " + std::to_string(maximum) +
                                        " characters, but has " + std::to_string(length));
  }
}

std::string optional_text(const nlohmann::json& body, const std::string& field) {
  const auto found = body.find(field);
  if (found == body.end() || found->is_null()) return {};
  if (!found->is_string()) core::throw_invalid_field(field, "must be a string");
  auto value = found->get<std::string>();
  // libpq is not involved (the text is sealed), but a NUL would still cut
  // the text in other tools that read the record.
  if (value.find('\0') != std::string::npos) {
    core::throw_invalid_field(field, "must not contain NUL characters");
  }
  return value;
}

std::string required_text(const nlohmann::json& body, const std::string& field,
                          std::size_t maximum) {
  const auto found = body.find(field);
  if (found == body.end() || found->is_null()) core::throw_invalid_field(field, "is required");
  std::string value(trim(optional_text(body, field)));
  if (value.empty()) core::throw_unacceptable(field, "must not be empty or only whitespace");
  check_length(value, field, maximum);
  return value;
}

std::string stored_text(const nlohmann::json& json, const char* field) {
  const auto found = json.find(field);
  if (found == json.end() || !found->is_string()) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      std::string("sealed note content lacks the string ") + field);
  }
  return found->get<std::string>();
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.push_back(':');
  out.append(std::to_string(value.size()));
  out.push_back(':');
  out.append(value);
  out.push_back('\n');
}

}  // namespace

std::string& section(NoteSections& sections, std::string_view field) {
  if (field == "presenting_complaint") return sections.presenting_complaint;
  if (field == "history") return sections.history;
  if (field == "examination") return sections.examination;
  if (field == "assessment") return sections.assessment;
  if (field == "plan") return sections.plan;
  return sections.free_text;
}

const std::string& section(const NoteSections& sections, std::string_view field) {
  return section(const_cast<NoteSections&>(sections), field);
}

NoteSections parse_note_sections(const nlohmann::json& body) {
  NoteSections sections;
  for (const auto field : kNoteSectionFields) {
    section(sections, field) = optional_text(body, std::string(field));
  }
  return check_sections(std::move(sections), kNoteSectionFields.front());
}

NoteSections check_sections(NoteSections sections, std::string_view blank_field,
                            std::string_view free_text_field) {
  bool any_text = false;
  for (const auto field : kNoteSectionFields) {
    auto& value = section(sections, field);
    value = std::string(trim(value));
    const std::string name(field == "free_text" ? free_text_field : field);
    check_length(value, name, max_characters(field));
    any_text = any_text || !value.empty();
  }
  if (!any_text) {
    core::throw_unacceptable(std::string(blank_field),
                             "a note needs text in at least one section (presenting complaint,"
                             " history, examination, assessment, plan or free text)");
  }
  return sections;
}

AmendmentContent parse_amendment(const nlohmann::json& body) {
  AmendmentContent amendment;
  amendment.text = required_text(body, "text", kMaxAmendmentTextCharacters);
  amendment.reason = required_text(body, "reason", kMaxAmendmentReasonCharacters);
  return amendment;
}

nlohmann::json to_json(const NoteSections& sections) {
  auto json = nlohmann::json::object();
  for (const auto field : kNoteSectionFields) json[std::string(field)] = section(sections, field);
  return json;
}

nlohmann::json to_json(const AmendmentContent& amendment) {
  return {{"text", amendment.text}, {"reason", amendment.reason}};
}

NoteSections sections_from_json(const nlohmann::json& json) {
  NoteSections sections;
  for (const auto field : kNoteSectionFields) {
    section(sections, field) = stored_text(json, std::string(field).c_str());
  }
  return sections;
}

AmendmentContent amendment_from_json(const nlohmann::json& json) {
  return {stored_text(json, "text"), stored_text(json, "reason")};
}

std::string canonical_note_encoding(const NoteSignatureFacts& facts,
                                    const NoteSections& sections) {
  std::string out = "telehealth-encounter-note-v1\n";
  append_field(out, "encounter_id", facts.encounter_id);
  append_field(out, "patient_id", facts.patient_id);
  append_field(out, "clinician_id", facts.clinician_id);
  append_field(out, "appointment_id", facts.appointment_id);
  append_field(out, "version", std::to_string(facts.version));
  append_field(out, "signed_by", facts.signed_by);
  append_field(out, "signed_at", core::format_rfc3339(facts.signed_at));
  for (const auto field : kNoteSectionFields) append_field(out, field, section(sections, field));
  return out;
}

std::string canonical_amendment_encoding(const AmendmentSignatureFacts& facts,
                                         const AmendmentContent& amendment) {
  std::string out = "telehealth-encounter-amendment-v1\n";
  append_field(out, "encounter_id", facts.encounter_id);
  append_field(out, "patient_id", facts.patient_id);
  append_field(out, "note_sha256", facts.note_sha256);
  append_field(out, "version", std::to_string(facts.version));
  append_field(out, "author_id", facts.author_id);
  append_field(out, "created_at", core::format_rfc3339(facts.created_at));
  append_field(out, "reason", amendment.reason);
  append_field(out, "text", amendment.text);
  return out;
}

std::string content_sha256_hex(std::string_view encoding) {
  return crypto::sha256_hex(crypto::as_byte_view(encoding));
}

}  // namespace telehealth::records
