#pragma once

#include <chrono>
#include <string>

#include "audit/event.hpp"
#include "core/time.hpp"
#include "db/transaction.hpp"
#include "identity/actor.hpp"

namespace telehealth::video {

/// How early a participant may join before the appointment starts.
inline constexpr std::chrono::minutes kJoinLead{10};

/// A participant's place in one appointment's consultation.
struct Seat {
  std::string appointment_id;
  std::string patient_id;
  identity::Role side = identity::Role::patient;  // patient or clinician
  core::Seconds starts_at;
  core::Seconds ends_at;
};

/// Decides whether `actor` may enter the consultation of `appointment_id`
/// now: only that appointment's patient or clinician, only from kJoinLead
/// before the start until the end, only while it is booked. Appends the
/// audit event `event_type` (allowed or denied) and commits `tx`. Throws
/// not_found for anyone else, and forbidden naming the window for a
/// participant who is too early or too late.
Seat take_seat(db::Transaction& tx, const identity::Actor& actor,
               const std::string& appointment_id, const std::string& event_type,
               core::Seconds now);

/// The audit event of `actor` leaving the consultation of `seat`
/// ("consultation.leave"), under the request id of the upgrade that joined.
audit::Event leave_event(const identity::Actor& actor, const Seat& seat);

}  // namespace telehealth::video
