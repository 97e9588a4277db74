#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/writer.hpp"
#include "core/error.hpp"

namespace telehealth::http {

/// A route handler's result. The connection adds the security headers,
/// the request id and Cache-Control.
struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  /// The request's audit tickets (Context::audit_tickets), which the
  /// connection waits for before it sends anything.
  std::vector<std::shared_ptr<audit::Ticket>> audit_tickets;
};

Response json_response(unsigned status, const nlohmann::json& body);

/// A new random request id (16 hex digits), echoed in X-Request-Id and in
/// error bodies so an operator can find the request in the log.
std::string new_request_id();
Response no_content();

/// Maps an error kind to its HTTP status; the single place that does so.
unsigned status_for(core::ErrorKind kind) noexcept;

/// Builds the JSON error body of docs/api.md. For internal errors the client
/// sees only a generic message and the request id, never the detail.
Response error_response(const core::Error& error, const std::string& request_id);

}  // namespace telehealth::http
