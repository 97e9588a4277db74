#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "core/time.hpp"

namespace telehealth::scheduling {

/// A half-open interval of time [starts_at, ends_at).
struct TimeRange {
  core::Seconds starts_at;
  core::Seconds ends_at;
};

inline constexpr std::int64_t kMinSlotMinutes = 5;
inline constexpr std::int64_t kMaxSlotMinutes = 240;
/// Maximum length of the range that one availability request may publish.
inline constexpr std::chrono::days kMaxAvailabilityRange{14};

/// A clinician's request to publish the range [starts_at, ends_at) as slots
/// of `slot_minutes` each.
struct AvailabilityRequest {
  core::Seconds starts_at;
  core::Seconds ends_at;
  std::int64_t slot_minutes = 0;
};

/// Validates `request` and cuts its range into consecutive slots of
/// `slot_minutes`, starting at starts_at. A remainder shorter than one slot at
/// the end is dropped. Throws unacceptable (422) naming the field when
/// slot_minutes is outside 5..240, starts_at is not after `now`, ends_at is
/// not after starts_at, the range is longer than 14 days, or the range is
/// shorter than one slot.
std::vector<TimeRange> cut_into_slots(const AvailabilityRequest& request, core::Seconds now);

}  // namespace telehealth::scheduling
