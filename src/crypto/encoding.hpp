#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"

// Text encodings of binary data from RFC 4648. Every decoder returns
// std::nullopt for input that is not valid in its encoding, because bad input
// here usually comes from a client or a file and the caller decides how to
// report it. Decoders are strict unless stated otherwise: no whitespace, and
// the unused bits of the last character must be zero (RFC 4648 section 3.5).

namespace telehealth::crypto {

/// Encodes as standard base64 (RFC 4648 section 4), with `=` padding.
std::string base64_encode(ByteView bytes);

/// Decodes standard base64. The padding is required.
std::optional<Bytes> base64_decode(std::string_view text);

/// Encodes as base64url (RFC 4648 section 5) without padding, for URLs and
/// tokens.
std::string base64url_encode(ByteView bytes);

/// Decodes base64url. Padding is rejected.
std::optional<Bytes> base64url_decode(std::string_view text);

/// Encodes as base32 (RFC 4648 section 6) in uppercase, with `=` padding.
std::string base32_encode(ByteView bytes);

/// Decodes base32 leniently, because people type these secrets in by hand:
/// lowercase letters are accepted, spaces are ignored and the `=` padding
/// may be missing. Padding anywhere but at the end is rejected.
std::optional<Bytes> base32_decode(std::string_view text);

/// Encodes as lowercase hexadecimal.
std::string hex_encode(ByteView bytes);

}  // namespace telehealth::crypto
