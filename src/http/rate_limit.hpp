#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace telehealth::http {

/// Requests allowed per client IP address: a token bucket that contains `burst`
/// requests and refills at `per_minute`. Zero `per_minute` turns the limit off.
struct RateLimit {
  double per_minute = 0;
  double burst = 0;
};

/// Per-client-IP request rates (see RateLimiter). `sign_in` covers every
/// state-changing request without a session: sign-in, passkey sign-in,
/// invitation acceptance, where guessing happens.
struct RateLimits {
  RateLimit requests{600, 300};
  RateLimit sign_in{10, 20};
};

/// Per-IP rate limits for one server instance (OWASP ASVS 2.2.1). Counts
/// live in memory, so N instances behind a load balancer allow N times the
/// rate. The per-account attempt limits live in the database and apply
/// across all instances. Thread-safe.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(RateLimit limit) : limit_(limit) {}

  /// Takes one request from `client_ip`'s bucket. Returns zero when it may
  /// go ahead, otherwise the wait (whole seconds, at least 1) before the
  /// next request would be allowed.
  std::chrono::seconds acquire(const std::string& client_ip, Clock::time_point now);

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  // Forgets buckets that have refilled completely, so the map stays as small
  // as the set of recently active clients.
  void prune(Clock::time_point now);

  RateLimit limit_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  Clock::time_point last_prune_{};
};

}  // namespace telehealth::http
