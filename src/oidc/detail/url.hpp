#pragma once

// Private to src/oidc: the small parts of URLs (RFC 3986) and HTML form
// encoding (application/x-www-form-urlencoded) that the flow needs.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace telehealth::oidc::detail {

/// An absolute https URL split for a client connection.
struct HttpsUrl {
  std::string host;    // without brackets for an IPv6 literal
  std::string port;    // "443" when the URL names none
  std::string target;  // path and query, "/" at least
};

/// Parses an absolute "https://host[:port][/path][?query]" URL. Returns
/// nullopt for another scheme, user info, a fragment, or a malformed host or
/// port, because the provider's endpoints must be reached over TLS.
std::optional<HttpsUrl> parse_https_url(std::string_view url);

/// Percent-encodes every byte but the RFC 3986 unreserved characters.
std::string percent_encode(std::string_view text);

/// Joins pairs as name=value&... with both sides percent-encoded.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

/// Returns the decoded value of the first `name` parameter of a query string
/// ("a=1&b=2", without the "?"), or nullopt when it is absent or its
/// percent-encoding is invalid. "+" decodes to a space.
std::optional<std::string> query_parameter(std::string_view query, std::string_view name);

}  // namespace telehealth::oidc::detail
