#pragma once

// Private to src/oidc: a small blocking HTTPS client (Beast + OpenSSL) for
// the provider's discovery document, JWKS and token endpoint.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace telehealth::oidc::detail {

struct HttpsResponse {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

/// Sends one request per call over a new TLS connection and waits for the
/// response. The server certificate must chain to the system's trust store or
/// to `ca_file` (when not empty) and must name the URL's host. Safe to use
/// from several threads at once.
class HttpsClient {
 public:
  explicit HttpsClient(const std::filesystem::path& ca_file,
                       std::chrono::seconds timeout = std::chrono::seconds(10));
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  /// Throws std::runtime_error for an invalid URL, a connection, TLS or
  /// certificate failure, a time-out, or a body over 1 MiB.
  HttpsResponse get(const std::string& url) const;

  /// POSTs an application/x-www-form-urlencoded body with an Authorization
  /// header. Throws as get() does.
  HttpsResponse post_form(const std::string& url, const std::string& form_body,
                          const std::string& authorization) const;

 private:
  HttpsResponse send(const std::string& method, const std::string& url, const std::string& body,
                     const std::string& authorization) const;

  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::chrono::seconds timeout_;
};

}  // namespace telehealth::oidc::detail
