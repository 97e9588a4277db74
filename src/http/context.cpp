#include "http/context.hpp"

#include "core/error.hpp"
#include "http/router.hpp"

namespace telehealth::http {

const identity::Actor& Context::signed_in() const {
  if (!actor) {
    throw core::Error(core::ErrorKind::unauthenticated, "sign in to continue");
  }
  return *actor;
}

const std::string& Context::param(const std::string& name) const {
  const auto found = params.find(name);
  if (found == params.end()) {
    throw core::Error(core::ErrorKind::internal, "internal error", {}, "route has no param " + name);
  }
  return found->second;
}

nlohmann::json Context::json_body() const {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    throw core::Error(core::ErrorKind::malformed,
                      "the request body is not valid JSON; send a JSON object");
  }
  if (!parsed.is_object()) {
    throw core::Error(core::ErrorKind::malformed, "the request body must be a JSON object");
  }
  return parsed;
}

std::string require_string(const nlohmann::json& body, const std::string& field) {
  const auto found = body.find(field);
  if (found == body.end() || found->is_null()) core::throw_invalid_field(field, "is required");
  if (!found->is_string()) core::throw_invalid_field(field, "must be a string");
  auto value = found->get<std::string>();
  // libpq passes parameters as C strings, so a NUL would silently cut the value.
  if (value.find('\0') != std::string::npos) {
    core::throw_invalid_field(field, "must not contain NUL characters");
  }
  return value;
}

std::string require_uuid(const nlohmann::json& body, const std::string& field) {
  const auto value = require_string(body, field);
  if (!is_uuid(value)) core::throw_invalid_field(field, "must be a UUID");
  return canonical_uuid(value);
}

std::int64_t require_integer(const nlohmann::json& body, const std::string& field) {
  const auto found = body.find(field);
  if (found == body.end() || found->is_null()) core::throw_invalid_field(field, "is required");
  if (!found->is_number_integer()) core::throw_invalid_field(field, "must be a whole number");
  return found->get<std::int64_t>();
}

core::Seconds require_time(const nlohmann::json& body, const std::string& field) {
  const auto text = require_string(body, field);
  const auto parsed = core::parse_rfc3339(text);
  if (!parsed) {
    core::throw_invalid_field(field, "must be an RFC 3339 time such as 2026-12-04T09:30:00Z");
  }
  return *parsed;
}

}  // namespace telehealth::http
