#include "http/router.hpp"

#include <cctype>

#include "core/text.hpp"

namespace telehealth::http {

const char* to_string(Access access) noexcept {
  switch (access) {
    case Access::anonymous: return "anonymous";
    case Access::signed_in: return "signed_in";
    case Access::verified: return "verified";
  }
  return "verified";
}

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto end = path.find('/', start);
    const auto stop = end == std::string::npos ? path.size() : end;
    segments.push_back(path.substr(start, stop - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return segments;
}

bool match_segments(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                    std::map<std::string, std::string>& params) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const auto& want = pattern[i];
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if (!is_uuid(path[i])) return false;
      params[want.substr(1, want.size() - 2)] = canonical_uuid(path[i]);
    } else if (want != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool is_uuid(const std::string& text) { return core::is_uuid(text); }

std::string canonical_uuid(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

void Router::add(RouteSpec spec, Handler handler) {
  routes_.push_back(Route{std::move(spec), std::move(handler)});
}

std::optional<Router::Match> Router::match(const std::string& method,
                                           const std::string& path) const {
  if (path.empty() || path.front() != '/') return std::nullopt;
  const auto segments = split_path(path);
  for (const auto& route : routes_) {
    if (route.spec.method != method) continue;
    Match match;
    if (match_segments(split_path(route.spec.pattern), segments, match.params)) {
      match.route = &route;
      return match;
    }
  }
  return std::nullopt;
}

}  // namespace telehealth::http
