#include "scheduling/appointments.hpp"

#include <algorithm>

#include "audit/chain.hpp"
#include "core/error.hpp"
#include "crypto/random.hpp"
#include "db/sqlstate.hpp"
#include "scheduling/detail/rows.hpp"

namespace telehealth::scheduling {

namespace {

using detail::time_param;

// The columns read_appointment_row expects, joined with both users' names.
// Queries append a constant WHERE clause ("sql-constant" marks them for
// scripts/lint.sh); every value still travels as a $n parameter.
constexpr std::string_view kSelectAppointments =
    "SELECT a.id, a.slot_id, a.starts_at, a.ends_at, a.status,"
    " a.patient_id, p.display_name, a.clinician_id, c.display_name"
    " FROM appointments a"
    " JOIN users p ON p.id = a.patient_id"
    " JOIN users c ON c.id = a.clinician_id";

AppointmentStatus parse_status(std::string_view text) {
  if (text == "booked") return AppointmentStatus::booked;
  if (text == "cancelled") return AppointmentStatus::cancelled;
  throw core::Error(core::ErrorKind::internal, "internal error", {},
                    "unknown appointment status: " + std::string(text));
}

Appointment read_appointment_row(const db::Result& rows, int row) {
  Appointment appointment;
  appointment.id = std::string(rows.text(row, 0));
  appointment.slot_id = rows.optional_text(row, 1);
  appointment.time = TimeRange{rows.timestamp(row, 2), rows.timestamp(row, 3)};
  appointment.status = parse_status(rows.text(row, 4));
  appointment.patient = PersonRef{std::string(rows.text(row, 5)), std::string(rows.text(row, 6))};
  appointment.clinician = PersonRef{std::string(rows.text(row, 7)), std::string(rows.text(row, 8))};
  return appointment;
}

std::vector<Appointment> read_appointment_rows(const db::Result& rows) {
  std::vector<Appointment> appointments;
  appointments.reserve(static_cast<std::size_t>(rows.rows()));
  for (int row = 0; row < rows.rows(); ++row) {
    appointments.push_back(read_appointment_row(rows, row));
  }
  return appointments;
}

audit::Event appointment_event(const identity::Actor& actor, std::string event_type,
                               std::optional<std::string> patient_id,
                               std::optional<std::string> appointment_id,
                               audit::Outcome outcome) {
  audit::Event event;
  event.event_type = std::move(event_type);
  event.actor_id = actor.user_id;
  event.actor_role = identity::to_string(actor.role);
  event.patient_id = std::move(patient_id);
  event.record_type = "appointment";
  event.record_id = std::move(appointment_id);
  event.outcome = outcome;
  event.client_ip = actor.client_ip;
  event.user_agent = actor.user_agent;
  event.request_id = actor.request_id;
  return event;
}

bool is_participant(const identity::Actor& actor, const Appointment& appointment) {
  switch (actor.role) {
    case identity::Role::patient: return appointment.patient.id == actor.user_id;
    case identity::Role::clinician: return appointment.clinician.id == actor.user_id;
    case identity::Role::admin:
    case identity::Role::auditor: return false;
  }
  return false;
}

// The one patient a list concerns, for the audit event: the patient
// themselves, or the patient of every listed appointment when they all share
// one. A clinician's list of several patients' appointments gets none.
std::optional<std::string> sole_patient(const identity::Actor& actor,
                                        const std::vector<Appointment>& appointments) {
  if (actor.role == identity::Role::patient) return actor.user_id;
  if (appointments.empty()) return std::nullopt;
  const auto& first = appointments.front().patient.id;
  const bool shared = std::all_of(appointments.begin(), appointments.end(),
                                  [&](const Appointment& a) { return a.patient.id == first; });
  return shared ? std::optional<std::string>(first) : std::nullopt;
}

struct BookableSlot {
  TimeRange time;
  std::string clinician_id;
};

// Returns the slot's times and clinician if the slot exists and its
// clinician is active.
std::optional<BookableSlot> find_bookable_slot(db::Transaction& tx, const std::string& slot_id) {
  const auto rows = tx.exec(
      "SELECT s.starts_at, s.ends_at, s.clinician_id FROM availability_slots s"
      " JOIN users c ON c.id = s.clinician_id"
      " WHERE s.id = $1 AND c.role = 'clinician' AND c.active",
      {slot_id});
  if (rows.empty()) return std::nullopt;
  return BookableSlot{{rows.timestamp(0, 0), rows.timestamp(0, 1)}, std::string(rows.text(0, 2))};
}

// Serialises bookings that involve the same clinician or the same patient.
// Two transactions inserting rows that conflict under an exclusion constraint
// can each wait for the other, and PostgreSQL then aborts one with a
// deadlock. Queueing on the people first makes the loser see the winner's
// committed row and get a clean conflict. The locks are taken in id order,
// so two bookings never wait for each other in a cycle. The two-key form
// keeps these locks apart from the audit chain's one-key lock.
void lock_booking_parties(db::Transaction& tx, std::string clinician_id, std::string patient_id) {
  constexpr const char* kLockBookingParty = "SELECT pg_advisory_xact_lock(1, hashtext($1))";
  if (patient_id < clinician_id) std::swap(clinician_id, patient_id);
  tx.exec(kLockBookingParty, {clinician_id});
  tx.exec(kLockBookingParty, {patient_id});
}

bool patient_is_busy(db::Transaction& tx, const std::string& patient_id, const TimeRange& time) {
  return !tx.exec(
                "SELECT 1 FROM appointments WHERE patient_id = $1 AND status = 'booked'"
                " AND tstzrange(starts_at, ends_at) && tstzrange($2::timestamptz, $3::timestamptz)"
                " LIMIT 1",
                {patient_id, time_param(time.starts_at), time_param(time.ends_at)})
              .empty();
}

// Inserts the appointment with the slot's clinician and times. A violation of
// any of the three constraints that forbid double-booking (one booked
// appointment per slot, no overlap per clinician, no overlap per patient)
// becomes a 409 conflict on the field slot_id.
void insert_appointment(db::Transaction& tx, const std::string& id, const std::string& slot_id,
                        const std::string& patient_id, core::Seconds now) {
  try {
    tx.exec(
        "INSERT INTO appointments"
        " (id, slot_id, patient_id, clinician_id, starts_at, ends_at, status, created_at)"
        " SELECT $1, s.id, $2, s.clinician_id, s.starts_at, s.ends_at, 'booked', $3"
        " FROM availability_slots s WHERE s.id = $4",
        {id, patient_id, time_param(now), slot_id});
  } catch (const db::SqlError& error) {
    if (error.kind() != core::ErrorKind::conflict) throw;
    throw core::Error(core::ErrorKind::conflict,
                      "slot_id: the slot is already booked; choose another slot", "slot_id",
                      error.detail());
  }
}

Appointment select_by_id(db::Transaction& tx, const std::string& appointment_id) {
  const auto rows =
      tx.exec(std::string(kSelectAppointments) + " WHERE a.id = $1",  // sql-constant
              {appointment_id});
  if (rows.empty()) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "appointment vanished inside its transaction: " + appointment_id);
  }
  return read_appointment_row(rows, 0);
}

}  // namespace

const char* to_string(AppointmentStatus status) noexcept {
  switch (status) {
    case AppointmentStatus::booked: return "booked";
    case AppointmentStatus::cancelled: return "cancelled";
  }
  return "booked";
}

Appointment book_appointment(db::Transaction& tx, const identity::Actor& patient,
                             const std::string& slot_id, core::Seconds now) {
  detail::require_role(patient, identity::Role::patient);

  const auto slot = find_bookable_slot(tx, slot_id);
  if (!slot) {
    throw core::Error(core::ErrorKind::not_found,
                      "slot_id: no such slot; choose one from the clinician's free slots",
                      "slot_id");
  }
  if (slot->time.starts_at <= now) {
    core::throw_unacceptable("slot_id", "the slot has already started; choose a later slot");
  }
  lock_booking_parties(tx, slot->clinician_id, patient.user_id);
  if (patient_is_busy(tx, patient.user_id, slot->time)) {
    throw core::Error(core::ErrorKind::conflict,
                      "slot_id: you already have an appointment at that time; choose another slot",
                      "slot_id");
  }

  const std::string id = crypto::new_uuid();
  insert_appointment(tx, id, slot_id, patient.user_id, now);
  audit::append(tx,
                appointment_event(patient, "appointment.create", patient.user_id, id,
                                  audit::Outcome::allowed),
                now);
  return select_by_id(tx, id);
}

std::vector<Appointment> list_appointments(db::Transaction& tx, const identity::Actor& actor,
                                           core::Seconds now) {
  std::string_view owner_filter;
  switch (actor.role) {
    case identity::Role::patient: owner_filter = " WHERE a.patient_id = $1"; break;
    case identity::Role::clinician: owner_filter = " WHERE a.clinician_id = $1"; break;
    case identity::Role::admin:
    case identity::Role::auditor:
      throw core::Error(core::ErrorKind::forbidden,
                        "only patients and clinicians have appointments");
  }

  // Selects the latest appointments by start, so that the limit drops old
  // ones and never upcoming ones. They are reversed below to soonest first.
  const std::string query = std::string(kSelectAppointments) +  // sql-constant
                            std::string(owner_filter) +
                            " ORDER BY a.starts_at DESC, a.id DESC LIMIT $2";
  const auto rows = tx.exec(query, {actor.user_id, std::to_string(kMaxListedAppointments)});
  auto appointments = read_appointment_rows(rows);
  std::reverse(appointments.begin(), appointments.end());

  auto event = appointment_event(actor, "appointment.list", sole_patient(actor, appointments),
                                 std::nullopt, audit::Outcome::allowed);
  std::vector<std::string> ids;
  for (const auto& appointment : appointments) ids.push_back(appointment.id);
  event.result_ids = audit::id_list(ids);
  audit::append(tx, event, now);
  return appointments;
}

Appointment read_appointment(db::Transaction& tx, const identity::Actor& actor,
                             const std::string& appointment_id, core::Seconds now) {
  const auto rows =
      tx.exec(std::string(kSelectAppointments) + " WHERE a.id = $1",  // sql-constant
              {appointment_id});
  if (rows.empty() || !is_participant(actor, read_appointment_row(rows, 0))) {
    // The denied event names the real patient, if any, so that a review of
    // that patient's accesses shows the attempt.
    std::optional<std::string> patient_id;
    if (!rows.empty()) patient_id = std::string(rows.text(0, 5));
    audit::append(tx,
                  appointment_event(actor, "appointment.read", std::move(patient_id),
                                    appointment_id, audit::Outcome::denied),
                  now);
    tx.commit();
    core::throw_not_found();
  }

  auto appointment = read_appointment_row(rows, 0);
  audit::append(tx,
                appointment_event(actor, "appointment.read", appointment.patient.id,
                                  appointment.id, audit::Outcome::allowed),
                now);
  return appointment;
}

std::vector<Appointment> patient_appointments(const identity::PatientAccess& access) {
  const auto rows = access.tx().exec(
      std::string(kSelectAppointments) +  // sql-constant
          " WHERE a.patient_id = $1 ORDER BY a.starts_at, a.id",
      {access.patient_id()});
  return read_appointment_rows(rows);
}

}  // namespace telehealth::scheduling
