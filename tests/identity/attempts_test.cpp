#include "identity/attempts.hpp"

#include <gtest/gtest.h>

namespace telehealth::identity {
namespace {

using std::chrono::seconds;

TEST(ThrottleDelay, NoneBeforeFreeFailures) {
  for (int failures = 0; failures < kFreeFailures; ++failures) {
    EXPECT_EQ(throttle_delay(failures), seconds{0}) << failures << " failures";
  }
}

TEST(ThrottleDelay, DoublesAfterFreeFailures) {
  EXPECT_EQ(throttle_delay(kFreeFailures), seconds{1});
  EXPECT_EQ(throttle_delay(kFreeFailures + 1), seconds{2});
  EXPECT_EQ(throttle_delay(kFreeFailures + 4), seconds{16});
}

TEST(ThrottleDelay, CappedAtMaximum) {
  EXPECT_EQ(throttle_delay(kFreeFailures + 10), kMaxDelay);
  EXPECT_EQ(throttle_delay(kLockoutFailures - 1), kMaxDelay);
  EXPECT_EQ(throttle_delay(1'000'000), kMaxDelay);
}

}  // namespace
}  // namespace telehealth::identity
