#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace telehealth::records {

inline constexpr std::size_t kMaxNoteCharacters = 20000;

/// Returns `note` without leading and trailing whitespace, which is the form
/// that is stored. Throws unacceptable (422, field note) if nothing is left
/// or if more than 20 000 characters (Unicode code points) are.
std::string normalize_note(std::string_view note);

}  // namespace telehealth::records
