#include "messaging/attachment.hpp"

#include <array>
#include <cstdint>

#include "core/error.hpp"

namespace telehealth::messaging {

namespace {

bool starts_with(crypto::ByteView bytes, std::initializer_list<std::uint8_t> prefix) {
  if (bytes.size() < prefix.size()) return false;
  std::size_t index = 0;
  for (const auto expected : prefix) {
    if (bytes[index++] != expected) return false;
  }
  return true;
}

// Valid UTF-8 without NUL, checked by the rules of RFC 3629 section 4.
bool is_plain_text(crypto::ByteView bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::uint8_t lead = bytes[i];
    if (lead == 0) return false;
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    } else {
      return false;
    }
    if (i + length > bytes.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (bytes[i + k] & 0x3F);
    }
    static constexpr std::array<std::uint32_t, 5> kMinimum{0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinimum[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

bool is_attr_char(unsigned char c) {
  // RFC 8187 section 3.2.1 attr-char.
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// True when `utf8` contains a C0 or C1 control character, DEL, or a Unicode
// bidirectional formatting character (U+061C, U+200E, U+200F,
// U+202A-U+202E, U+2066-U+2069). The latter reorder how a name is shown, so
// "scan\u202Efdp.exe" would read as "scanexe.pdf".
bool has_hidden_control(std::string_view utf8) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(utf8[i]); };
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto c = byte(i);
    if (c < 0x20 || c == 0x7F) return true;
    const bool two = i + 1 < utf8.size();
    const bool three = i + 2 < utf8.size();
    if (two && c == 0xC2 && byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9F) return true;  // C1
    if (two && c == 0xD8 && byte(i + 1) == 0x9C) return true;                          // U+061C
    if (three && c == 0xE2 && byte(i + 1) == 0x80) {
      const auto last = byte(i + 2);
      if (last == 0x8E || last == 0x8F || (last >= 0xAA && last <= 0xAE)) return true;
    }
    if (three && c == 0xE2 && byte(i + 1) == 0x81 && byte(i + 2) >= 0xA6 &&
        byte(i + 2) <= 0xA9) {
      return true;
    }
  }
  return false;
}

}  // namespace

void require_allowed_content_type(const std::string& content_type) {
  if (content_type != "application/pdf" && content_type != "image/png" &&
      content_type != "image/jpeg" && content_type != "text/plain") {
    core::throw_unacceptable("content_type",
                             "must be one of application/pdf, image/png, image/jpeg, text/plain");
  }
}

void require_acceptable_content(const std::string& content_type, crypto::ByteView bytes) {
  if (bytes.empty()) core::throw_unacceptable("data", "the file is empty; choose another file");
  if (bytes.size() > kMaxAttachmentBytes) {
    core::throw_unacceptable("data", "the file is over 5 MiB; send a smaller file");
  }
  bool matches = false;
  if (content_type == "application/pdf") {
    matches = starts_with(bytes, {'%', 'P', 'D', 'F', '-'});
  } else if (content_type == "image/png") {
    matches = starts_with(bytes, {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
  } else if (content_type == "image/jpeg") {
    matches = starts_with(bytes, {0xFF, 0xD8, 0xFF});
  } else if (content_type == "text/plain") {
    matches = is_plain_text(bytes);
  }
  if (!matches) {
    core::throw_unacceptable("data", "the file is not a valid " + content_type +
                                         " file; check the file or its type");
  }
}

std::string normalize_filename(std::string_view filename) {
  const auto first = filename.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string_view::npos) {
    core::throw_unacceptable("filename", "must not be empty; give the file a name");
  }
  const auto last = filename.find_last_not_of(" \t\r\n\f\v");
  const std::string trimmed(filename.substr(first, last - first + 1));
  if (has_hidden_control(trimmed)) {
    core::throw_unacceptable("filename", "must not contain control or text-direction characters; "
                                         "rename the file");
  }
  std::size_t characters = 0;
  for (const char byte : trimmed) {
    if ((static_cast<unsigned char>(byte) & 0xC0) != 0x80) ++characters;
  }
  if (characters > kMaxFilenameCharacters) {
    core::throw_unacceptable("filename", "must be at most 255 characters; rename the file");
  }
  return trimmed;
}

std::string content_disposition(std::string_view filename) {
  std::string fallback;
  std::string encoded;
  for (const char byte : filename) {
    const auto c = static_cast<unsigned char>(byte);
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                       (c >= '0' && c <= '9') || c == ' ' || c == '.' || c == '-' || c == '_';
    // One '_' per UTF-8 sequence, not per byte.
    if (plain) {
      fallback.push_back(static_cast<char>(c));
    } else if ((c & 0xC0) != 0x80) {
      fallback.push_back('_');
    }

    const auto safe = static_cast<unsigned char>((c == '/' || c == '\\') ? '_' : c);
    if (is_attr_char(safe)) {
      encoded.push_back(static_cast<char>(safe));
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      encoded.push_back('%');
      encoded.push_back(kHex[safe >> 4]);
      encoded.push_back(kHex[safe & 0x0F]);
    }
  }
  return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace telehealth::messaging
