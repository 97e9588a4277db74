#pragma once

#include <string>
#include <vector>

#include "core/time.hpp"
#include "db/connection.hpp"
#include "db/transaction.hpp"
#include "identity/actor.hpp"
#include "scheduling/person.hpp"
#include "scheduling/slots.hpp"

// Clinicians' published availability. Slots show when a clinician is free,
// not who booked them, so nothing here is PHI and nothing here is audited.

namespace telehealth::scheduling {

/// One bookable slot of a clinician. `booked` is true when the clinician has
/// a booked appointment overlapping the slot.
struct Slot {
  std::string id;
  std::string clinician_id;
  TimeRange time;
  bool booked = false;
};

/// Maximum slots one list returns, soonest first.
/// NOTE: there is no paging yet, so slots past this many are not listed.
inline constexpr int kMaxListedSlots = 5000;

/// Maximum clinicians `list_clinicians` returns.
inline constexpr int kMaxListedClinicians = 1000;

/// Cuts `request` into slots (see cut_into_slots) and inserts them all in
/// `tx` for `clinician`, who must have the clinician role (forbidden
/// otherwise). Throws conflict (409, field starts_at) if any slot overlaps a
/// slot the clinician already published. The caller's rollback of `tx` then
/// leaves none of the new slots inserted.
std::vector<Slot> publish_availability(db::Transaction& tx, const identity::Actor& clinician,
                                       const AvailabilityRequest& request, core::Seconds now);

/// Lists the clinician's own slots that start after `now`, booked or not.
std::vector<Slot> list_own_slots(db::Connection& connection, const identity::Actor& clinician,
                                 core::Seconds now);

/// Lists the slots of `clinician_id` that start after `now` and that no
/// booked appointment overlaps. Throws not_found unless `clinician_id` is an
/// active clinician.
std::vector<Slot> list_free_slots(db::Connection& connection, const std::string& clinician_id,
                                  core::Seconds now);

/// Lists the active clinicians by display name.
std::vector<PersonRef> list_clinicians(db::Connection& connection);

}  // namespace telehealth::scheduling
