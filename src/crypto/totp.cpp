#include "crypto/totp.hpp"

#include <array>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "crypto/encoding.hpp"

namespace telehealth::crypto {

namespace {

constexpr int max_window_steps = 10;

void check_digits(int digits) {
  // RFC 4226 section 5.3 requires at least 6 digits and describes 7 and 8
  // as the longer choices. Authenticator apps show 6 or 8.
  if (digits < 6 || digits > 8) {
    throw std::invalid_argument(fmt::format("OTP digits must be 6, 7 or 8, got {}", digits));
  }
}

std::uint32_t power_of_ten(int exponent) {
  std::uint32_t result = 1;
  for (int i = 0; i < exponent; ++i) {
    result *= 10;
  }
  return result;
}

// Dynamic truncation, RFC 4226 section 5.3: the low 4 bits of the last byte
// select 4 bytes of the MAC, read big-endian with the top bit cleared.
std::uint32_t dynamic_truncate(const Bytes& mac) {
  const std::size_t offset = mac.back() & 0x0FU;
  return (static_cast<std::uint32_t>(mac[offset] & 0x7FU) << 24) |
         (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
         (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
         static_cast<std::uint32_t>(mac[offset + 3]);
}

bool is_ascii_digits(std::string_view text) {
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

const char* algorithm_name(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::sha1:
      return "SHA1";
    case HashAlgorithm::sha256:
      return "SHA256";
    case HashAlgorithm::sha512:
      return "SHA512";
  }
  throw std::invalid_argument("otpauth_uri: unknown HashAlgorithm value");
}

// Percent-encodes every byte outside RFC 3986's unreserved set
// (ALPHA / DIGIT / "-" / "." / "_" / "~"), with uppercase hex digits.
std::string percent_encode(std::string_view text) {
  std::string encoded;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' ||
                            byte == '_' || byte == '~';
    if (unreserved) {
      encoded.push_back(c);
    } else {
      encoded += fmt::format("%{:02X}", byte);
    }
  }
  return encoded;
}

// The Key URI format used by Google Authenticator forbids a colon in either
// part of the label, even percent-encoded, because it separates them.
void check_label_part(std::string_view value, std::string_view name) {
  if (value.empty()) {
    throw std::invalid_argument(fmt::format("otpauth_uri: {} must not be empty", name));
  }
  if (value.find(':') != std::string_view::npos) {
    throw std::invalid_argument(fmt::format("otpauth_uri: {} must not contain ':'", name));
  }
}

}  // namespace

std::string hotp(ByteView secret, std::uint64_t counter, int digits, HashAlgorithm algorithm) {
  check_digits(digits);
  std::array<std::uint8_t, 8> message{};
  for (std::size_t i = 0; i < message.size(); ++i) {
    message[message.size() - 1 - i] = static_cast<std::uint8_t>(counter >> (8 * i));
  }
  const std::uint32_t value = dynamic_truncate(hmac(algorithm, secret, message));
  return fmt::format("{:0{}}", value % power_of_ten(digits), digits);
}

std::int64_t totp_time_step(std::int64_t unix_seconds, const TotpParameters& parameters) {
  if (parameters.step_seconds <= 0) {
    throw std::invalid_argument(fmt::format("TOTP step_seconds must be positive, got {}",
                                            parameters.step_seconds));
  }
  if (unix_seconds < parameters.t0) {
    throw std::invalid_argument(fmt::format("TOTP time {} is before t0 {}", unix_seconds,
                                            parameters.t0));
  }
  return (unix_seconds - parameters.t0) / parameters.step_seconds;
}

std::string totp(ByteView secret, std::int64_t unix_seconds, const TotpParameters& parameters) {
  const std::int64_t step = totp_time_step(unix_seconds, parameters);
  return hotp(secret, static_cast<std::uint64_t>(step), parameters.digits, parameters.algorithm);
}

std::optional<std::int64_t> totp_match(ByteView secret, std::string_view code,
                                       std::int64_t unix_seconds, int window_steps,
                                       const TotpParameters& parameters) {
  if (window_steps < 0 || window_steps > max_window_steps) {
    throw std::invalid_argument(fmt::format("TOTP window_steps must be 0 to {}, got {}",
                                            max_window_steps, window_steps));
  }
  check_digits(parameters.digits);
  if (code.size() != static_cast<std::size_t>(parameters.digits) || !is_ascii_digits(code)) {
    return std::nullopt;
  }

  // Every candidate is computed and compared, so the time taken does not
  // depend on which step matched. The earliest matching step wins.
  const std::int64_t current = totp_time_step(unix_seconds, parameters);
  if (current > std::numeric_limits<std::int64_t>::max() - window_steps) {
    throw std::invalid_argument(fmt::format("TOTP time {} is out of range", unix_seconds));
  }
  std::optional<std::int64_t> matched;
  for (std::int64_t step = current - window_steps; step <= current + window_steps; ++step) {
    if (step < 0) {
      continue;
    }
    const std::string expected = hotp(secret, static_cast<std::uint64_t>(step), parameters.digits,
                                      parameters.algorithm);
    if (constant_time_equal(as_byte_view(expected), as_byte_view(code)) && !matched) {
      matched = step;
    }
  }
  return matched;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view base32_secret, const TotpParameters& parameters) {
  check_label_part(issuer, "issuer");
  check_label_part(account, "account");
  check_digits(parameters.digits);
  if (parameters.t0 != 0) {
    throw std::invalid_argument("otpauth_uri: the otpauth URI format cannot express t0 != 0");
  }
  const std::optional<Bytes> secret = base32_decode(base32_secret);
  if (!secret || secret->empty()) {
    throw std::invalid_argument("otpauth_uri: base32_secret is not valid base32");
  }

  std::string canonical_secret = base32_encode(*secret);
  canonical_secret.erase(canonical_secret.find_last_not_of('=') + 1);
  const std::string encoded_issuer = percent_encode(issuer);
  return fmt::format("otpauth://totp/{}:{}?secret={}&issuer={}&algorithm={}&digits={}&period={}",
                     encoded_issuer, percent_encode(account), canonical_secret, encoded_issuer,
                     algorithm_name(parameters.algorithm), parameters.digits,
                     parameters.step_seconds);
}

}  // namespace telehealth::crypto
