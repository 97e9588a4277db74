#include "identity/attempts.hpp"

namespace telehealth::identity {

std::chrono::seconds throttle_delay(int failures) noexcept {
  if (failures < kFreeFailures) return std::chrono::seconds{0};
  const int doublings = failures - kFreeFailures;
  // 2^10 s is already past the cap, so larger shifts are never needed.
  if (doublings >= 10) return kMaxDelay;
  return std::min(kMaxDelay, std::chrono::seconds{std::int64_t{1} << doublings});
}

bool is_locked(db::Connection& connection, const std::string& user_id, core::Seconds now) {
  const auto rows = connection.exec(
      "SELECT coalesce(locked_until > $2, false) FROM users WHERE id = $1",
      {user_id, core::format_rfc3339(now)});
  return !rows.empty() && rows.boolean(0, 0);
}

void record_failure(db::Connection& connection, const std::string& user_id, core::Seconds now) {
  const auto rows = connection.exec(
      "UPDATE users SET failed_attempts = failed_attempts + 1 WHERE id = $1"
      " RETURNING failed_attempts",
      {user_id});
  if (rows.empty()) return;
  const auto failures = static_cast<int>(rows.integer(0, 0));
  if (failures >= kLockoutFailures) {
    connection.exec("UPDATE users SET locked_until = 'infinity' WHERE id = $1", {user_id});
  } else if (failures >= kFreeFailures) {
    // `now` is whole seconds, up to 1 s behind the real time. One extra
    // second makes the wait at least the full delay, never a fraction of it.
    const auto until = now + throttle_delay(failures) + std::chrono::seconds{1};
    connection.exec("UPDATE users SET locked_until = $2 WHERE id = $1",
                    {user_id, core::format_rfc3339(until)});
  }
}

void record_success(db::Connection& connection, const std::string& user_id) {
  connection.exec(
      "UPDATE users SET failed_attempts = 0, locked_until = NULL"
      " WHERE id = $1 AND failed_attempts <> 0",
      {user_id});
}

bool unlock(db::Connection& connection, const std::string& email) {
  return connection
             .exec("UPDATE users SET failed_attempts = 0, locked_until = NULL"
                   " WHERE lower(email) = lower($1)",
                   {email})
             .affected() == 1;
}

}  // namespace telehealth::identity
