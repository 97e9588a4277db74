#pragma once

#include <stdexcept>
#include <string>

namespace telehealth::core {

/// The kinds of failure. Domain code throws them, and only src/http maps them
/// to HTTP status codes.
enum class ErrorKind {
  malformed,        // the input cannot be parsed at all (400)
  invalid_field,    // a field is missing or has the wrong type (400)
  unacceptable,     // well-formed but not acceptable, e.g. end before start (422)
  unauthenticated,  // no session, or it expired (401)
  invalid_credentials,  // sign-in failed, without naming which part (401)
  mfa_required,     // TOTP not completed in this session (403)
  forbidden,        // the role may not do this (403)
  elevation_required,  // an admin function outside an elevated admin session (403)
  bad_origin,       // a state-changing request from another origin (403)
  bad_csrf_token,   // a state-changing request without the session's CSRF token (403)
  not_found,        // unknown, or not visible to the caller (404)
  conflict,         // a uniqueness or overlap rule rejected the change (409)
  too_many_attempts,  // the account is throttled after failed attempts (429)
  too_large,        // the body is over the limit (413)
  unavailable,      // database, audit log or keyring unreachable (503)
  internal,         // a broken invariant; the client sees only a request id (500)
};

/// An error with two channels: `client_message()` is safe to send to the
/// caller (it names the field and what to do), `detail()` goes only to the
/// log (SQLSTATE, library messages). Neither may contain PHI or secrets.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string client_message, std::string field = {},
        std::string detail = {})
      : std::runtime_error(client_message),
        kind_(kind),
        field_(std::move(field)),
        detail_(std::move(detail)) {}

  ErrorKind kind() const noexcept { return kind_; }
  std::string client_message() const { return what(); }
  const std::string& field() const noexcept { return field_; }
  const std::string& detail() const noexcept { return detail_; }

 private:
  ErrorKind kind_;
  std::string field_;
  std::string detail_;
};

/// Throws invalid_field for `field` with a message of the form "field: problem".
[[noreturn]] void throw_invalid_field(const std::string& field, const std::string& problem);

/// Throws unacceptable (422) for `field` with a message of the form "field: problem".
[[noreturn]] void throw_unacceptable(const std::string& field, const std::string& problem);

/// Throws not_found with the generic message used for every hidden record, so
/// a denied record cannot be told apart from a missing one.
[[noreturn]] void throw_not_found();

const char* to_string(ErrorKind kind) noexcept;

}  // namespace telehealth::core
