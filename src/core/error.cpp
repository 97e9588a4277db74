#include "core/error.hpp"

namespace telehealth::core {

void throw_invalid_field(const std::string& field, const std::string& problem) {
  throw Error(ErrorKind::invalid_field, field + ": " + problem, field);
}

void throw_unacceptable(const std::string& field, const std::string& problem) {
  throw Error(ErrorKind::unacceptable, field + ": " + problem, field);
}

void throw_not_found() {
  throw Error(ErrorKind::not_found, "not found");
}

const char* to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::malformed: return "malformed_json";
    case ErrorKind::invalid_field: return "invalid_field";
    case ErrorKind::unacceptable: return "invalid_field";
    case ErrorKind::unauthenticated: return "unauthenticated";
    case ErrorKind::invalid_credentials: return "invalid_credentials";
    case ErrorKind::mfa_required: return "mfa_required";
    case ErrorKind::forbidden: return "forbidden";
    case ErrorKind::elevation_required: return "elevation_required";
    case ErrorKind::bad_origin: return "bad_origin";
    case ErrorKind::bad_csrf_token: return "bad_csrf_token";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::too_many_attempts: return "too_many_attempts";
    case ErrorKind::too_large: return "body_too_large";
    case ErrorKind::unavailable: return "unavailable";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

}  // namespace telehealth::core
