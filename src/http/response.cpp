#include "http/response.hpp"

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

namespace telehealth::http {

Response json_response(unsigned status, const nlohmann::json& body) {
  Response response;
  response.status = status;
  response.body = body.dump();
  return response;
}

std::string new_request_id() { return crypto::hex_encode(crypto::random_bytes(8)); }

Response no_content() {
  Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

unsigned status_for(core::ErrorKind kind) noexcept {
  using core::ErrorKind;
  switch (kind) {
    case ErrorKind::malformed:
    case ErrorKind::invalid_field: return 400;
    case ErrorKind::unauthenticated:
    case ErrorKind::invalid_credentials: return 401;
    case ErrorKind::mfa_required:
    case ErrorKind::forbidden:
    case ErrorKind::elevation_required:
    case ErrorKind::bad_origin: return 403;
    case ErrorKind::bad_csrf_token: return 403;
    case ErrorKind::not_found: return 404;
    case ErrorKind::conflict: return 409;
    case ErrorKind::too_many_attempts: return 429;
    case ErrorKind::too_large: return 413;
    case ErrorKind::unacceptable: return 422;
    case ErrorKind::unavailable: return 503;
    case ErrorKind::internal: return 500;
  }
  return 500;
}

Response error_response(const core::Error& error, const std::string& request_id) {
  const bool internal = error.kind() == core::ErrorKind::internal;
  nlohmann::json body;
  body["error"]["code"] = core::to_string(error.kind());
  body["error"]["message"] =
      internal ? "internal error; quote the request id to the operator" : error.client_message();
  if (!error.field().empty()) body["error"]["field"] = error.field();
  body["request_id"] = request_id;
  return json_response(status_for(error.kind()), body);
}

}  // namespace telehealth::http
