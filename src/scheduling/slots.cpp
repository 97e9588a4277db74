#include "scheduling/slots.hpp"

#include <string>

#include "core/error.hpp"

namespace telehealth::scheduling {

namespace {

void validate_request(const AvailabilityRequest& request, core::Seconds now) {
  if (request.slot_minutes < kMinSlotMinutes || request.slot_minutes > kMaxSlotMinutes) {
    core::throw_unacceptable("slot_minutes", "must be between " +
                                                 std::to_string(kMinSlotMinutes) + " and " +
                                                 std::to_string(kMaxSlotMinutes));
  }
  if (request.starts_at <= now) {
    core::throw_unacceptable("starts_at", "must be in the future");
  }
  if (request.ends_at <= request.starts_at) {
    core::throw_unacceptable("ends_at", "must be after starts_at");
  }
  if (request.ends_at - request.starts_at > kMaxAvailabilityRange) {
    const auto max_days = std::to_string(kMaxAvailabilityRange.count());
    core::throw_unacceptable("ends_at", "must be at most " + max_days + " days after starts_at;"
                                        " publish longer ranges in parts");
  }
  if (request.ends_at - request.starts_at < std::chrono::minutes{request.slot_minutes}) {
    core::throw_unacceptable("ends_at", "the range is shorter than one slot of " +
                                            std::to_string(request.slot_minutes) +
                                            " minutes; choose a later end or shorter slots");
  }
}

}  // namespace

std::vector<TimeRange> cut_into_slots(const AvailabilityRequest& request, core::Seconds now) {
  validate_request(request, now);

  const std::chrono::minutes length{request.slot_minutes};
  std::vector<TimeRange> slots;
  for (auto start = request.starts_at; start + length <= request.ends_at; start += length) {
    slots.push_back(TimeRange{start, start + length});
  }
  return slots;
}

}  // namespace telehealth::scheduling
