#pragma once

#include <cstddef>
#include <string_view>

namespace telehealth::records {

/// Returns `text` without leading and trailing ASCII whitespace (space, tab,
/// line feed, carriage return, form feed, vertical tab).
std::string_view trim(std::string_view text) noexcept;

/// Counts the Unicode code points in `utf8`, which must be valid UTF-8 (the
/// JSON parser rejects anything else), by counting the bytes that start a
/// character.
std::size_t count_characters(std::string_view utf8) noexcept;

}  // namespace telehealth::records
