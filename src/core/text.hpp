#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace telehealth::core {

/// Returns `text` as valid UTF-8 of at most `max_bytes` bytes: each invalid
/// byte becomes U+FFFD and the cut falls on a character boundary. For header
/// values (User-Agent) that are stored in text columns, which PostgreSQL
/// rejects when they are not valid UTF-8.
std::string sanitize_utf8(std::string_view text, std::size_t max_bytes);

/// True when `text` has the 8-4-4-4-12 hexadecimal form of a UUID (RFC 9562),
/// in either case.
bool is_uuid(std::string_view text) noexcept;

}  // namespace telehealth::core
