#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/hash.hpp"

// One-time passwords: HOTP (RFC 4226) and TOTP (RFC 6238), as used by
// authenticator apps for two-factor login.

namespace telehealth::crypto {

/// TOTP settings. The defaults are the ones authenticator apps assume when an
/// otpauth URI leaves them out.
struct TotpParameters {
  std::int64_t step_seconds = 30;                  ///< time step X, in seconds
  int digits = 6;                                  ///< code length, 6 to 8
  HashAlgorithm algorithm = HashAlgorithm::sha1;   ///< HMAC hash function
  std::int64_t t0 = 0;                             ///< Unix time at which step 0 starts
};

/// Computes the HOTP value (RFC 4226 section 5.3) of `counter` as exactly
/// `digits` decimal digits, zero-padded on the left. Throws
/// std::invalid_argument unless `digits` is 6, 7 or 8.
std::string hotp(ByteView secret, std::uint64_t counter, int digits = 6,
                 HashAlgorithm algorithm = HashAlgorithm::sha1);

/// Returns the TOTP time step of `unix_seconds`: floor((unix_seconds - t0) /
/// step_seconds). Throws std::invalid_argument if step_seconds is not
/// positive or `unix_seconds` is before t0.
std::int64_t totp_time_step(std::int64_t unix_seconds, const TotpParameters& parameters = {});

/// Computes the TOTP code (RFC 6238 section 4) for `unix_seconds`. Throws as
/// hotp() and totp_time_step() do.
std::string totp(ByteView secret, std::int64_t unix_seconds,
                 const TotpParameters& parameters = {});

/// Checks `code` against the time steps from `window_steps` before to
/// `window_steps` after the step of `unix_seconds`, so that clock drift
/// between server and phone is tolerated (RFC 6238 section 5.2). Returns the
/// matched time step, which the caller should store and require to grow, so
/// that a code cannot be replayed. Returns nullopt for a code that is not
/// exactly `digits` ASCII digits or matches no step. Each candidate is
/// compared in constant time. Throws std::invalid_argument unless
/// `window_steps` is 0 to 10.
std::optional<std::int64_t> totp_match(ByteView secret, std::string_view code,
                                       std::int64_t unix_seconds, int window_steps = 1,
                                       const TotpParameters& parameters = {});

/// Builds the otpauth URI that authenticator apps read from a QR code:
/// otpauth://totp/Issuer:account?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
/// `issuer` and `account` are percent-encoded (RFC 3986), and the secret is
/// rewritten as uppercase base32 without padding. Throws
/// std::invalid_argument if `issuer` or `account` is empty or contains a
/// colon, if `base32_secret` is not base32, or if t0 is not 0, because the
/// URI format has no field for it.
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view base32_secret, const TotpParameters& parameters = {});

}  // namespace telehealth::crypto
