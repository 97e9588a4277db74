#include "core/time.hpp"

#include <gtest/gtest.h>

namespace telehealth::core {
namespace {

using namespace std::chrono;

TEST(Rfc3339, FormatsUtcWithWholeSeconds) {
  const Seconds t = sys_days{2026y / December / 4} + 9h + 30min + 5s;
  EXPECT_EQ(format_rfc3339(t), "2026-12-04T09:30:05Z");
}

TEST(Rfc3339, ParsesZuluAndOffsets) {
  const Seconds expected = sys_days{2026y / December / 4} + 9h + 30min;
  EXPECT_EQ(parse_rfc3339("2026-12-04T09:30:00Z"), expected);
  EXPECT_EQ(parse_rfc3339("2026-12-04T10:30:00+01:00"), expected);
  EXPECT_EQ(parse_rfc3339("2026-12-04T04:30:00-05:00"), expected);
  EXPECT_EQ(parse_rfc3339("2026-12-04T09:30:00.123Z"), expected);
}

TEST(Rfc3339, RejectsMalformedText) {
  EXPECT_FALSE(parse_rfc3339(""));
  EXPECT_FALSE(parse_rfc3339("2026-12-04"));
  EXPECT_FALSE(parse_rfc3339("2026-12-04T09:30:00"));
  EXPECT_FALSE(parse_rfc3339("2026-02-30T09:30:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-12-04T24:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-12-04T09:30:00+0100"));
  EXPECT_FALSE(parse_rfc3339("2026-12-04T09:30:00Zjunk"));
  EXPECT_FALSE(parse_rfc3339("9999-12-31T23:00:00-12:00"));  // year 10000 in UTC
}

TEST(PgTimestamp, ParsesUtcSessionOutput) {
  const Seconds expected = sys_days{2026y / December / 4} + 9h + 30min;
  EXPECT_EQ(parse_pg_timestamp("2026-12-04 09:30:00+00"), expected);
  EXPECT_EQ(parse_pg_timestamp("2026-12-04 09:30:00.5+00"), expected);
}

}  // namespace
}  // namespace telehealth::core
