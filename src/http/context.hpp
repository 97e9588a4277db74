#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "audit/writer.hpp"
#include "core/time.hpp"
#include "identity/actor.hpp"
#include "identity/sessions.hpp"

namespace telehealth::http {

/// One request as a route handler receives it: no sockets, no Beast types.
struct Context {
  std::string method;
  std::string path;
  std::string query;  // the request target after "?", undecoded; may be empty
  std::map<std::string, std::string> params;  // from "{name}" segments of the route
  std::string body;
  std::string session_token;                  // from the session cookie, may be empty
  std::string cookie_header;                  // the whole Cookie header, for other cookies
  std::string client_ip;
  std::string user_agent;
  std::string request_id;
  core::Seconds now;
  /// Set by the dispatcher for routes that need a signed-in user.
  std::optional<identity::Actor> actor;
  std::optional<identity::Session> session;
  /// Set by a handler to replace the session cookie (sign-in) or clear it
  /// (sign-out, with an empty value).
  std::optional<std::string> set_session_token;
  /// Tickets of audit events handed to the group-commit writer. The response
  /// leaves only once every one is durable; a failed one turns it into 503.
  std::vector<std::shared_ptr<audit::Ticket>> audit_tickets;

  const identity::Actor& signed_in() const;  // throws unauthenticated if unset
  const std::string& param(const std::string& name) const;
  /// Parses the body as a JSON object; throws malformed (400) otherwise.
  nlohmann::json json_body() const;
};

/// Reads a required string field; throws invalid_field naming it otherwise.
std::string require_string(const nlohmann::json& body, const std::string& field);
/// Reads a required UUID field in canonical (lowercase) form; throws
/// invalid_field naming it otherwise.
std::string require_uuid(const nlohmann::json& body, const std::string& field);
/// Reads a required integer field; throws invalid_field naming it otherwise.
std::int64_t require_integer(const nlohmann::json& body, const std::string& field);
/// Reads a required RFC 3339 time field; throws invalid_field naming it otherwise.
core::Seconds require_time(const nlohmann::json& body, const std::string& field);

}  // namespace telehealth::http
