#include "core/time.hpp"

#include <cstdio>

namespace telehealth::core {

Seconds SystemClock::now() const {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string format_rfc3339(Seconds t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  char buffer[64];  // sized for any int year the format can print
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()),
                static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return buffer;
}

namespace {

bool parse_digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

// Parses "YYYY-MM-DD?hh:mm:ss" where ? is `separator`; returns the UTC time
// before any offset is applied, and the index after the seconds.
std::optional<Seconds> parse_date_time(std::string_view text, char separator, std::size_t& end) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!parse_digits(text, 0, 4, year) || text.size() < 19 || text[4] != '-' ||
      !parse_digits(text, 5, 2, month) || text[7] != '-' || !parse_digits(text, 8, 2, day) ||
      (text[10] != separator && !(separator == 'T' && text[10] == 't')) ||
      !parse_digits(text, 11, 2, hour) || text[13] != ':' || !parse_digits(text, 14, 2, minute) ||
      text[16] != ':' || !parse_digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  end = 19;
  if (end < text.size() && text[end] == '.') {
    ++end;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
  }
  return std::chrono::sys_days{ymd} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
         std::chrono::seconds{second};
}

// Parses "Z", "+hh:mm", "-hh:mm" or PostgreSQL's "+hh"; returns the offset east of UTC.
std::optional<std::chrono::minutes> parse_offset(std::string_view rest) {
  if (rest == "Z" || rest == "z") return std::chrono::minutes{0};
  if (rest.size() != 3 && rest.size() != 6) return std::nullopt;
  if (rest[0] != '+' && rest[0] != '-') return std::nullopt;
  int hours = 0, minutes = 0;
  if (!parse_digits(rest, 1, 2, hours)) return std::nullopt;
  if (rest.size() == 6 && (rest[3] != ':' || !parse_digits(rest, 4, 2, minutes))) {
    return std::nullopt;
  }
  if (hours > 23 || minutes > 59) return std::nullopt;
  const std::chrono::minutes offset{hours * 60 + minutes};
  return rest[0] == '-' ? -offset : offset;
}

std::optional<Seconds> parse_with_separator(std::string_view text, char separator) {
  std::size_t end = 0;
  const auto local = parse_date_time(text, separator, end);
  if (!local) return std::nullopt;
  const auto offset = parse_offset(text.substr(end));
  if (!offset) return std::nullopt;
  // An offset can move a time past year 9999, which format_rfc3339 and
  // PostgreSQL's text output would then print with five digits.
  const Seconds utc = *local - *offset;
  static constexpr auto kFirst = std::chrono::sys_days{std::chrono::year{1} / 1 / 1};
  static constexpr auto kAfterLast = std::chrono::sys_days{std::chrono::year{10000} / 1 / 1};
  if (utc < kFirst || utc >= kAfterLast) return std::nullopt;
  return utc;
}

}  // namespace

std::optional<Seconds> parse_rfc3339(std::string_view text) {
  return parse_with_separator(text, 'T');
}

std::optional<Seconds> parse_pg_timestamp(std::string_view text) {
  return parse_with_separator(text, ' ');
}

std::int64_t to_unix(Seconds t) { return t.time_since_epoch().count(); }

}  // namespace telehealth::core
