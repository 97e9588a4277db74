#include "crypto/encoding.hpp"

#include <sodium.h>

#include <array>
#include <cstdint>

#include "crypto/detail/sodium_init.hpp"

namespace telehealth::crypto {

namespace {

// libsodium's base64 and hex codecs run in constant time, so they are safe
// for key material such as the keys in the keyring file.
std::string encode_base64_variant(ByteView bytes, int variant) {
  detail::ensure_sodium_initialized();
  // The encoded length includes the terminating NUL.
  std::string text(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), variant);
  text.pop_back();
  return text;
}

std::optional<Bytes> decode_base64_variant(std::string_view text, int variant) {
  detail::ensure_sodium_initialized();
  Bytes bytes(text.size() / 4 * 3 + 3);
  std::size_t length = 0;
  // With b64_end == nullptr, libsodium fails unless it consumes all of `text`.
  if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length,
                        nullptr, variant) != 0) {
    return std::nullopt;
  }
  bytes.resize(length);
  return bytes;
}

constexpr std::string_view base32_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// Returns the 5-bit value of a base32 character, or -1 if it is not one.
int base32_value(char symbol) {
  if (symbol >= 'A' && symbol <= 'Z') {
    return symbol - 'A';
  }
  if (symbol >= 'a' && symbol <= 'z') {
    return symbol - 'a';
  }
  if (symbol >= '2' && symbol <= '7') {
    return symbol - '2' + 26;
  }
  return -1;
}

// Returns the base32 characters of `text` without spaces and trailing
// padding, or nullopt if `=` appears before another character.
std::optional<std::string> strip_base32_text(std::string_view text) {
  std::string symbols;
  symbols.reserve(text.size());
  bool seen_padding = false;
  for (const char c : text) {
    if (c == ' ') {
      continue;
    }
    if (c == '=') {
      seen_padding = true;
      continue;
    }
    if (seen_padding) {
      return std::nullopt;
    }
    symbols.push_back(c);
  }
  return symbols;
}

}  // namespace

std::string base64_encode(ByteView bytes) {
  return encode_base64_variant(bytes, sodium_base64_VARIANT_ORIGINAL);
}

std::optional<Bytes> base64_decode(std::string_view text) {
  return decode_base64_variant(text, sodium_base64_VARIANT_ORIGINAL);
}

std::string base64url_encode(ByteView bytes) {
  return encode_base64_variant(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::optional<Bytes> base64url_decode(std::string_view text) {
  return decode_base64_variant(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::string base32_encode(ByteView bytes) {
  std::string text;
  text.reserve((bytes.size() + 4) / 5 * 8);
  std::uint32_t buffer = 0;
  int bit_count = 0;
  for (const std::uint8_t byte : bytes) {
    buffer = (buffer << 8) | byte;
    bit_count += 8;
    while (bit_count >= 5) {
      bit_count -= 5;
      text.push_back(base32_alphabet[(buffer >> bit_count) & 0x1F]);
    }
  }
  if (bit_count > 0) {
    text.push_back(base32_alphabet[(buffer << (5 - bit_count)) & 0x1F]);
  }
  while (text.size() % 8 != 0) {
    text.push_back('=');
  }
  return text;
}

std::optional<Bytes> base32_decode(std::string_view text) {
  const std::optional<std::string> symbols = strip_base32_text(text);
  if (!symbols) {
    return std::nullopt;
  }
  // A final group of 1 to 5 bytes encodes as 2, 4, 5, 7 or 8 characters.
  // Any other remainder cannot come from an encoder.
  const std::size_t remainder = symbols->size() % 8;
  if (remainder == 1 || remainder == 3 || remainder == 6) {
    return std::nullopt;
  }

  Bytes bytes;
  bytes.reserve(symbols->size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bit_count = 0;
  for (const char symbol : *symbols) {
    const int value = base32_value(symbol);
    if (value < 0) {
      return std::nullopt;
    }
    buffer = ((buffer << 5) | static_cast<std::uint32_t>(value)) & 0xFFFU;
    bit_count += 5;
    if (bit_count >= 8) {
      bit_count -= 8;
      bytes.push_back(static_cast<std::uint8_t>(buffer >> bit_count));
    }
  }
  if ((buffer & ((1U << bit_count) - 1U)) != 0) {
    return std::nullopt;
  }
  return bytes;
}

std::string hex_encode(ByteView bytes) {
  detail::ensure_sodium_initialized();
  std::string text(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(text.data(), text.size(), bytes.data(), bytes.size());
  text.pop_back();
  return text;
}

}  // namespace telehealth::crypto
