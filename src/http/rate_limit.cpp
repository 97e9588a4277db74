#include "http/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace telehealth::http {

namespace {

constexpr std::chrono::seconds kPruneInterval{60};

double elapsed_minutes(RateLimiter::Clock::time_point from, RateLimiter::Clock::time_point to) {
  return std::chrono::duration<double, std::ratio<60>>(to - from).count();
}

}  // namespace

std::chrono::seconds RateLimiter::acquire(const std::string& client_ip, Clock::time_point now) {
  if (limit_.per_minute <= 0) return std::chrono::seconds(0);
  const std::lock_guard lock(mutex_);
  if (now - last_prune_ > kPruneInterval) prune(now);
  auto [it, inserted] = buckets_.try_emplace(client_ip, Bucket{limit_.burst, now});
  Bucket& bucket = it->second;
  if (!inserted) {
    bucket.tokens = std::min(
        limit_.burst, bucket.tokens + elapsed_minutes(bucket.updated, now) * limit_.per_minute);
    bucket.updated = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return std::chrono::seconds(0);
  }
  const double wait_seconds = (1 - bucket.tokens) / limit_.per_minute * 60;
  return std::chrono::seconds(std::max<long long>(1, std::llround(std::ceil(wait_seconds))));
}

void RateLimiter::prune(Clock::time_point now) {
  last_prune_ = now;
  std::erase_if(buckets_, [&](const auto& entry) {
    const Bucket& bucket = entry.second;
    return bucket.tokens + elapsed_minutes(bucket.updated, now) * limit_.per_minute >=
           limit_.burst;
  });
}

}  // namespace telehealth::http
