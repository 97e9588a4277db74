#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "db/transaction.hpp"
#include "identity/actor.hpp"
#include "identity/policy.hpp"
#include "scheduling/person.hpp"
#include "scheduling/slots.hpp"

// Appointments are PHI because they show who sees which clinician and when. Every
// function here that returns one appends an audit event to the caller's
// transaction ("appointment.create", "appointment.list", "appointment.read"),
// so the caller must commit that transaction before it sends the response.

namespace telehealth::scheduling {

enum class AppointmentStatus { booked, cancelled };

const char* to_string(AppointmentStatus status) noexcept;

struct Appointment {
  std::string id;
  std::optional<std::string> slot_id;  // nullopt for appointments not made from a slot
  TimeRange time;
  AppointmentStatus status = AppointmentStatus::booked;
  PersonRef patient;
  PersonRef clinician;
};

/// Maximum appointments `list_appointments` returns: the latest ones by start.
/// NOTE: there is no paging yet, so older appointments past this many are
/// not listed.
inline constexpr int kMaxListedAppointments = 500;

/// Books the slot `slot_id` for `patient` (who must have the patient role),
/// copying the slot's times, and audits "appointment.create".
///
/// Throws not_found (404) if no such slot of an active clinician exists, and
/// unacceptable (422) if the slot has already started. Throws conflict (409,
/// field slot_id) if the slot is already booked or if the patient has another
/// booked appointment at that time. The constraints on the appointments
/// table decide races between concurrent bookings.
Appointment book_appointment(db::Transaction& tx, const identity::Actor& patient,
                             const std::string& slot_id, core::Seconds now);

/// Lists the appointments of the signed-in patient or clinician, booked or
/// cancelled, past or upcoming, soonest first, and audits "appointment.list".
/// Throws forbidden for other roles.
std::vector<Appointment> list_appointments(db::Transaction& tx, const identity::Actor& actor,
                                           core::Seconds now);

/// Reads one appointment of which `actor` is the patient or the clinician,
/// and audits "appointment.read". For anyone else, or an unknown id, appends
/// a denied event, commits `tx` so that the denial is durable, and throws
/// not_found.
Appointment read_appointment(db::Transaction& tx, const identity::Actor& actor,
                             const std::string& appointment_id, core::Seconds now);

/// Lists every appointment of the patient that `access` was granted for,
/// with any clinician, soonest first. The access decision has already
/// written the audit event.
std::vector<Appointment> patient_appointments(const identity::PatientAccess& access);

}  // namespace telehealth::scheduling
