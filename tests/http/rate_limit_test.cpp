#include "http/rate_limit.hpp"

#include <gtest/gtest.h>

namespace telehealth::http {
namespace {

using std::chrono::seconds;
using Clock = RateLimiter::Clock;

TEST(RateLimiter, AllowsTheBurstThenAsksToWait) {
  RateLimiter limiter({10, 3});  // 10 a minute: one token every 6 s
  const auto start = Clock::time_point{} + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.acquire("192.0.2.1", start), seconds(0));
  EXPECT_EQ(limiter.acquire("192.0.2.1", start), seconds(6));
  // Another address has its own bucket.
  EXPECT_EQ(limiter.acquire("192.0.2.2", start), seconds(0));
}

TEST(RateLimiter, RefillsAtTheConfiguredRate) {
  RateLimiter limiter({10, 1});
  const auto start = Clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(limiter.acquire("198.51.100.7", start), seconds(0));
  EXPECT_EQ(limiter.acquire("198.51.100.7", start + seconds(3)), seconds(3));
  EXPECT_EQ(limiter.acquire("198.51.100.7", start + seconds(6)), seconds(0));
}

TEST(RateLimiter, ZeroRateTurnsTheLimitOff) {
  RateLimiter limiter({0, 0});
  const auto now = Clock::now();
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limiter.acquire("203.0.113.9", now), seconds(0));
}

TEST(RateLimiter, ForgetsIdleAddressesWithoutLosingLimits) {
  RateLimiter limiter({60, 2});
  const auto start = Clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(limiter.acquire("a", start), seconds(0));
  EXPECT_EQ(limiter.acquire("a", start), seconds(0));
  EXPECT_EQ(limiter.acquire("a", start), seconds(1));
  // Two minutes on, the bucket is full again, pruned or not.
  EXPECT_EQ(limiter.acquire("b", start + seconds(120)), seconds(0));
  EXPECT_EQ(limiter.acquire("a", start + seconds(120)), seconds(0));
  EXPECT_EQ(limiter.acquire("a", start + seconds(120)), seconds(0));
  EXPECT_EQ(limiter.acquire("a", start + seconds(120)), seconds(1));
}

}  // namespace
}  // namespace telehealth::http
