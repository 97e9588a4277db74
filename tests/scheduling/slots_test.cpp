#include "scheduling/slots.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace telehealth::scheduling {
namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;

core::Seconds at(const char* rfc3339) { return core::parse_rfc3339(rfc3339).value(); }

const core::Seconds kNow = at("2031-03-03T08:00:00Z");

AvailabilityRequest request(const char* starts_at, const char* ends_at, std::int64_t slot_minutes) {
  return {at(starts_at), at(ends_at), slot_minutes};
}

// Runs cut_into_slots and returns the field of the unacceptable error it
// throws, or "" if it throws none.
std::string rejected_field(const AvailabilityRequest& req, core::Seconds now = kNow) {
  try {
    cut_into_slots(req, now);
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::unacceptable) << error.what();
    return error.field();
  }
  return "";
}

TEST(CutIntoSlots, CutsRangeIntoConsecutiveSlots) {
  const auto slots =
      cut_into_slots(request("2031-03-04T09:00:00Z", "2031-03-04T10:00:00Z", 15), kNow);

  ASSERT_EQ(slots.size(), 4u);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    EXPECT_EQ(slots[i].starts_at, at("2031-03-04T09:00:00Z") + minutes{15} * static_cast<int>(i));
    EXPECT_EQ(slots[i].ends_at - slots[i].starts_at, minutes{15});
  }
  EXPECT_EQ(slots.back().ends_at, at("2031-03-04T10:00:00Z"));
}

TEST(CutIntoSlots, DropsShorterRemainder) {
  const auto slots =
      cut_into_slots(request("2031-03-04T09:00:00Z", "2031-03-04T10:10:00Z", 30), kNow);

  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots.back().ends_at, at("2031-03-04T10:00:00Z"));
}

TEST(CutIntoSlots, RangeOfExactlyOneSlot) {
  const auto slots =
      cut_into_slots(request("2031-03-04T09:00:00Z", "2031-03-04T09:05:00Z", 5), kNow);

  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0].starts_at, at("2031-03-04T09:00:00Z"));
  EXPECT_EQ(slots[0].ends_at, at("2031-03-04T09:05:00Z"));
}

TEST(CutIntoSlots, KeepsSecondsOfAnUnalignedStart) {
  const auto slots =
      cut_into_slots(request("2031-03-04T09:00:30Z", "2031-03-04T09:20:30Z", 10), kNow);

  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[1].starts_at, at("2031-03-04T09:10:30Z"));
}

TEST(CutIntoSlots, SlotMinutesBounds) {
  const char* start = "2031-03-04T09:00:00Z";
  const char* end = "2031-03-04T17:00:00Z";
  EXPECT_EQ(rejected_field(request(start, end, 4)), "slot_minutes");
  EXPECT_EQ(rejected_field(request(start, end, 0)), "slot_minutes");
  EXPECT_EQ(rejected_field(request(start, end, -15)), "slot_minutes");
  EXPECT_EQ(rejected_field(request(start, end, 241)), "slot_minutes");
  EXPECT_EQ(rejected_field(request(start, end, 5)), "");
  EXPECT_EQ(rejected_field(request(start, end, 240)), "");
}

TEST(CutIntoSlots, RejectsStartNotInFuture) {
  EXPECT_EQ(rejected_field(request("2031-03-03T08:00:00Z", "2031-03-03T09:00:00Z", 30)),
            "starts_at");
  EXPECT_EQ(rejected_field(request("2031-03-02T08:00:00Z", "2031-03-02T09:00:00Z", 30)),
            "starts_at");
  EXPECT_EQ(rejected_field(request("2031-03-03T08:00:01Z", "2031-03-03T09:00:01Z", 30)), "");
}

TEST(CutIntoSlots, RejectsEndNotAfterStart) {
  EXPECT_EQ(rejected_field(request("2031-03-04T09:00:00Z", "2031-03-04T09:00:00Z", 30)),
            "ends_at");
  EXPECT_EQ(rejected_field(request("2031-03-04T09:00:00Z", "2031-03-04T08:00:00Z", 30)),
            "ends_at");
}

TEST(CutIntoSlots, RangeOfFourteenDaysAtMost) {
  const auto start = at("2031-03-04T00:00:00Z");

  const auto slots = cut_into_slots({start, start + days{14}, 5}, kNow);
  EXPECT_EQ(slots.size(), 14u * 24u * 12u);

  EXPECT_EQ(rejected_field({start, start + days{14} + seconds{1}, 5}), "ends_at");
}

TEST(CutIntoSlots, RejectsRangeShorterThanOneSlot) {
  EXPECT_EQ(rejected_field(request("2031-03-04T09:00:00Z", "2031-03-04T09:10:00Z", 15)),
            "ends_at");
}

TEST(CutIntoSlots, ChecksSlotMinutesBeforeTimes) {
  // Both slot_minutes and starts_at are wrong: the error names slot_minutes.
  EXPECT_EQ(rejected_field(request("2031-03-02T09:00:00Z", "2031-03-02T10:00:00Z", 1)),
            "slot_minutes");
}

TEST(CutIntoSlots, MessageNamesFieldAndFix) {
  try {
    cut_into_slots(request("2031-03-04T09:00:00Z", "2031-03-04T09:00:00Z", 30), kNow);
    FAIL() << "expected an error";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.client_message(), "ends_at: must be after starts_at");
  }
}

}  // namespace
}  // namespace telehealth::scheduling
