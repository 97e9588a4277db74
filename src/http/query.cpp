#include "http/query.hpp"

#include <algorithm>
#include <charconv>

#include "core/error.hpp"
#include "http/router.hpp"

namespace telehealth::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes percent-escapes and "+"; nullopt for a broken escape or a control
// character, which no filter value needs.
std::optional<std::string> decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      c = static_cast<char>(high * 16 + low);
      i += 2;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
    out += c;
  }
  return out;
}

std::string allowed_list(std::initializer_list<std::string_view> allowed) {
  std::string list;
  for (const auto name : allowed) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  return list;
}

}  // namespace

QueryParameters::QueryParameters(std::string_view query,
                                 std::initializer_list<std::string_view> allowed) {
  std::size_t pos = 0;
  while (pos < query.size()) {
    const auto end = std::min(query.find('&', pos), query.size());
    const auto pair = query.substr(pos, end - pos);
    pos = end + 1;
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    const auto raw_name = pair.substr(0, equals);
    const auto name = decode(raw_name);
    if (!name || std::find(allowed.begin(), allowed.end(), *name) == allowed.end()) {
      core::throw_invalid_field(name ? *name : std::string("query"),
                                "unknown query parameter; use " + allowed_list(allowed));
    }
    const auto value =
        decode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
    if (!value) core::throw_invalid_field(*name, "has invalid percent-encoding or a control character");
    if (!values_.emplace(*name, *value).second) {
      core::throw_invalid_field(*name, "must appear only once");
    }
  }
}

std::optional<std::string> QueryParameters::text(const std::string& name) const {
  const auto found = values_.find(name);
  if (found == values_.end() || found->second.empty()) return std::nullopt;
  return found->second;
}

std::optional<std::string> QueryParameters::uuid(const std::string& name) const {
  const auto value = text(name);
  if (!value) return std::nullopt;
  if (!is_uuid(*value)) core::throw_invalid_field(name, "must be a UUID");
  return canonical_uuid(*value);
}

std::optional<core::Seconds> QueryParameters::time(const std::string& name) const {
  const auto value = text(name);
  if (!value) return std::nullopt;
  const auto parsed = core::parse_rfc3339(*value);
  if (!parsed) {
    core::throw_invalid_field(name, "must be an RFC 3339 time such as 2026-12-04T09:30:00Z");
  }
  return parsed;
}

std::optional<bool> QueryParameters::boolean(const std::string& name) const {
  const auto value = text(name);
  if (!value) return std::nullopt;
  if (*value == "true") return true;
  if (*value == "false") return false;
  core::throw_invalid_field(name, "must be true or false");
}

std::optional<std::int64_t> QueryParameters::integer(const std::string& name, std::int64_t min,
                                                     std::int64_t max) const {
  const auto value = text(name);
  if (!value) return std::nullopt;
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), number);
  if (error != std::errc() || end != value->data() + value->size() || number < min ||
      number > max) {
    core::throw_invalid_field(name, "must be a whole number from " + std::to_string(min) +
                                        " to " + std::to_string(max));
  }
  return number;
}

}  // namespace telehealth::http
