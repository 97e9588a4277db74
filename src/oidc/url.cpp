#include "oidc/detail/url.hpp"

#include <cctype>

namespace telehealth::oidc::detail {

namespace {

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

bool valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  for (const char c : port) {
    if (c < '0' || c > '9') return false;
  }
  const int value = std::stoi(std::string(port));
  return value > 0 && value <= 65535;
}

}  // namespace

std::optional<HttpsUrl> parse_https_url(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  if (url.find('#') != std::string_view::npos) return std::nullopt;
  const std::string_view rest = url.substr(kScheme.size());
  const auto path_start = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, path_start);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;

  HttpsUrl parsed;
  std::string_view host_and_port = authority;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    parsed.host = std::string(authority.substr(1, close - 1));
    host_and_port = authority.substr(close + 1);
    if (!host_and_port.empty() && host_and_port.front() != ':') return std::nullopt;
  } else {
    parsed.host = std::string(authority.substr(0, authority.find(':')));
  }
  // A colon promises a port, so "host:" is rejected along with "host:x".
  const auto colon = host_and_port.find(':');
  const std::string_view port =
      colon == std::string_view::npos ? std::string_view() : host_and_port.substr(colon + 1);
  if (parsed.host.empty() || (colon != std::string_view::npos && !valid_port(port))) {
    return std::nullopt;
  }
  parsed.port = port.empty() ? "443" : std::string(port);
  parsed.target = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (parsed.target.front() == '?') parsed.target.insert(0, "/");
  return parsed;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (is_unreserved(byte)) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0f]);
    }
  }
  return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += percent_encode(name) + "=" + percent_encode(value);
  }
  return out;
}

std::optional<std::string> query_parameter(std::string_view query, std::string_view name) {
  std::size_t pos = 0;
  while (pos <= query.size()) {
    const auto end = std::min(query.find('&', pos), query.size());
    const std::string_view pair = query.substr(pos, end - pos);
    const auto equals = pair.find('=');
    const auto key = percent_decode(pair.substr(0, equals));
    if (key && *key == name) {
      return equals == std::string_view::npos ? std::string() : percent_decode(pair.substr(equals + 1));
    }
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace telehealth::oidc::detail
