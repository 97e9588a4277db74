#include "records/note.hpp"

#include "core/error.hpp"
#include "records/text.hpp"

namespace telehealth::records {

std::string normalize_note(std::string_view note) {
  const auto trimmed = trim(note);
  if (trimmed.empty()) {
    core::throw_unacceptable("note", "must not be empty or only whitespace");
  }
  if (count_characters(trimmed) > kMaxNoteCharacters) {
    core::throw_unacceptable("note", "must be at most " + std::to_string(kMaxNoteCharacters) +
                                         " characters; split it into several notes");
  }
  return std::string(trimmed);
}

}  // namespace telehealth::records
