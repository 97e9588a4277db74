#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace telehealth::core {

using Seconds = std::chrono::sys_seconds;

/// The source of "now". Production uses the system clock; tests inject a
/// fixed one so that windows and expiries are deterministic.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Seconds now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Seconds now() const override;
};

/// Formats as RFC 3339 in UTC with whole seconds: "2026-12-04T09:30:00Z".
std::string format_rfc3339(Seconds t);

/// Parses RFC 3339 with a "Z" or numeric offset and optional fractional
/// seconds (dropped). Returns nullopt for anything else.
std::optional<Seconds> parse_rfc3339(std::string_view text);

/// Parses PostgreSQL's text output of timestamptz in UTC sessions,
/// "2026-12-04 09:30:00+00".
std::optional<Seconds> parse_pg_timestamp(std::string_view text);

std::int64_t to_unix(Seconds t);

}  // namespace telehealth::core
