#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace telehealth::http {

/// The decoded parameters of a query string (application/x-www-form-urlencoded,
/// "+" is a space). Throws invalid_field (400) naming the parameter when a
/// name is not in `allowed`, appears twice, has invalid percent-encoding or
/// contains a NUL or control character, so that a mistyped filter fails
/// loudly instead of being ignored.
class QueryParameters {
 public:
  QueryParameters(std::string_view query, std::initializer_list<std::string_view> allowed);

  /// The value of `name`, or nullopt when absent or empty.
  std::optional<std::string> text(const std::string& name) const;
  /// A canonical (lowercase) UUID; throws invalid_field naming `name` otherwise.
  std::optional<std::string> uuid(const std::string& name) const;
  /// An RFC 3339 time; throws invalid_field naming `name` otherwise.
  std::optional<core::Seconds> time(const std::string& name) const;
  /// `true` or `false`; throws invalid_field naming `name` otherwise.
  std::optional<bool> boolean(const std::string& name) const;
  /// A whole number from `min` to `max`; throws invalid_field naming `name`
  /// otherwise.
  std::optional<std::int64_t> integer(const std::string& name, std::int64_t min,
                                      std::int64_t max) const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace telehealth::http
