#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"

// Checks on uploaded attachments and the headers they are served with.

namespace telehealth::messaging {

/// 5 MiB, the largest attachment accepted (before base64 in the request).
inline constexpr std::size_t kMaxAttachmentBytes = 5 * 1024 * 1024;
inline constexpr std::size_t kMaxFilenameCharacters = 255;

/// Throws unacceptable (422, field content_type) unless `content_type` is one
/// of application/pdf, image/png, image/jpeg or text/plain.
void require_allowed_content_type(const std::string& content_type);

/// Throws unacceptable (422, field data) if `bytes` are empty, over 5 MiB, or
/// do not start the way `content_type` files do (the PDF, PNG and JPEG
/// signatures; valid UTF-8 without NUL for text/plain), so a file cannot be
/// served under a type that it is not.
void require_acceptable_content(const std::string& content_type, crypto::ByteView bytes);

/// Returns `filename` without leading and trailing whitespace. Throws
/// unacceptable (422, field filename) if nothing is left, if it is over 255
/// characters, or if it contains a control character.
std::string normalize_filename(std::string_view filename);

/// The Content-Disposition value for downloading `filename`: always
/// "attachment", an ASCII fallback with every character other than letters,
/// digits, space, '.', '-' and '_' replaced by '_', and the UTF-8 name
/// percent-encoded in filename* (RFC 6266, RFC 8187) with '/' and '\\'
/// replaced by '_', so no name can add a header parameter or a path.
std::string content_disposition(std::string_view filename);

}  // namespace telehealth::messaging
