#pragma once

#include <chrono>
#include <string>

#include "core/time.hpp"
#include "db/connection.hpp"

namespace telehealth::identity {

/// Consecutive failures allowed before each further attempt is delayed.
inline constexpr int kFreeFailures = 5;
/// Consecutive failures after which the account stays locked until an
/// operator unlocks it (NIST SP 800-63B 5.2.2 allows at most 100).
inline constexpr int kLockoutFailures = 100;
/// The maximum delay between attempts below the hard limit.
inline constexpr std::chrono::seconds kMaxDelay{15 * 60};

/// The wait imposed after `failures` consecutive failures: none up to
/// kFreeFailures, then 1 s, 2 s, 4 s, ... doubling, capped at kMaxDelay.
/// record_failure rounds the end of the wait up, so it lasts between this
/// delay and one second more.
std::chrono::seconds throttle_delay(int failures) noexcept;

/// True while the account may not be tried (throttled or locked out).
bool is_locked(db::Connection& connection, const std::string& user_id, core::Seconds now);

/// Counts one more consecutive failure and sets the wait that follows it.
void record_failure(db::Connection& connection, const std::string& user_id, core::Seconds now);

/// Clears the count after a complete sign-in (password, and TOTP where the
/// role needs it), so a password alone never resets the TOTP guess budget.
void record_success(db::Connection& connection, const std::string& user_id);

/// Clears the count and any lock; the operator's `telehealth user unlock`.
/// Returns false when no user has that email.
bool unlock(db::Connection& connection, const std::string& email);

}  // namespace telehealth::identity
