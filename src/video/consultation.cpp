#include "video/consultation.hpp"

#include "audit/chain.hpp"
#include "core/error.hpp"

namespace telehealth::video {

namespace {

audit::Event consultation_event(const identity::Actor& actor, const std::string& appointment_id,
                                const std::optional<std::string>& patient_id,
                                const std::string& event_type, audit::Outcome outcome) {
  audit::Event event;
  event.event_type = event_type;
  event.actor_id = actor.user_id;
  event.actor_role = identity::to_string(actor.role);
  event.patient_id = patient_id;
  event.record_type = "appointment";
  event.record_id = appointment_id;
  event.outcome = outcome;
  event.client_ip = actor.client_ip;
  event.user_agent = actor.user_agent;
  event.request_id = actor.request_id;
  return event;
}

void record(db::Transaction& tx, const identity::Actor& actor, const std::string& appointment_id,
            const std::optional<std::string>& patient_id, const std::string& event_type,
            audit::Outcome outcome, core::Seconds now) {
  audit::append(tx, consultation_event(actor, appointment_id, patient_id, event_type, outcome),
                now);
  tx.commit();
}

}  // namespace

Seat take_seat(db::Transaction& tx, const identity::Actor& actor,
               const std::string& appointment_id, const std::string& event_type,
               core::Seconds now) {
  const auto rows = tx.exec(
      "SELECT patient_id, clinician_id, starts_at, ends_at FROM appointments"
      " WHERE id = $1 AND status = 'booked' AND (patient_id = $2 OR clinician_id = $2)",
      {appointment_id, actor.user_id});
  const bool participant = !rows.empty() && (actor.role == identity::Role::patient ||
                                             actor.role == identity::Role::clinician);
  if (!participant) {
    record(tx, actor, appointment_id, std::nullopt, event_type, audit::Outcome::denied, now);
    core::throw_not_found();
  }

  Seat seat;
  seat.appointment_id = appointment_id;
  seat.patient_id = std::string(rows.text(0, 0));
  seat.side = std::string(rows.text(0, 1)) == actor.user_id ? identity::Role::clinician
                                                            : identity::Role::patient;
  seat.starts_at = rows.timestamp(0, 2);
  seat.ends_at = rows.timestamp(0, 3);

  if (now < seat.starts_at - kJoinLead || now >= seat.ends_at) {
    record(tx, actor, appointment_id, seat.patient_id, event_type, audit::Outcome::denied, now);
    throw core::Error(core::ErrorKind::forbidden,
                      "the consultation is open from 10 minutes before " +
                          core::format_rfc3339(seat.starts_at) + " until " +
                          core::format_rfc3339(seat.ends_at));
  }
  record(tx, actor, appointment_id, seat.patient_id, event_type, audit::Outcome::allowed, now);
  return seat;
}

audit::Event leave_event(const identity::Actor& actor, const Seat& seat) {
  return consultation_event(actor, seat.appointment_id, seat.patient_id, "consultation.leave",
                            audit::Outcome::allowed);
}

}  // namespace telehealth::video
