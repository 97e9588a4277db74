#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "core/error.hpp"
#include "crypto/random.hpp"
#include "db/transaction.hpp"
#include "scheduling/appointments.hpp"
#include "scheduling/availability.hpp"
#include "support/pg_fixture.hpp"

namespace telehealth::scheduling {
namespace {

core::Seconds at(const char* rfc3339) { return core::parse_rfc3339(rfc3339).value(); }

const core::Seconds kNow = at("2031-03-03T08:00:00Z");

identity::Actor actor(const std::string& user_id, identity::Role role) {
  return {user_id, role, "127.0.0.1", "scheduling_pgtest", "request-" + user_id.substr(0, 8)};
}

class SchedulingPgTest : public test::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    clinician = actor(add_user("clinician", "Dr Ada Clinician"), identity::Role::clinician);
    patient_a = actor(add_user("patient", "Alice Patient"), identity::Role::patient);
    patient_b = actor(add_user("patient", "Bob Patient"), identity::Role::patient);
  }

  std::vector<Slot> publish(const identity::Actor& who, const char* starts_at, const char* ends_at,
                            std::int64_t slot_minutes) {
    db::Transaction tx(app());
    auto slots = publish_availability(tx, who, {at(starts_at), at(ends_at), slot_minutes}, kNow);
    tx.commit();
    return slots;
  }

  Appointment book(const identity::Actor& who, const std::string& slot_id,
                   core::Seconds now = kNow) {
    db::Transaction tx(app());
    auto appointment = book_appointment(tx, who, slot_id, now);
    tx.commit();
    return appointment;
  }

  std::int64_t count(std::string_view sql, const db::Params& params = {}) {
    return database().exec_as_superuser(sql, params).integer(0, 0);
  }

  identity::Actor clinician;
  identity::Actor patient_a;
  identity::Actor patient_b;
};

// Runs `action` and returns the error it throws; fails the test if it throws none.
template <typename Action>
core::Error error_of(Action action) {
  try {
    action();
  } catch (const core::Error& error) {
    return error;
  }
  ADD_FAILURE() << "expected a core::Error";
  return core::Error(core::ErrorKind::internal, "no error thrown");
}

TEST_F(SchedulingPgTest, PublishInsertsEverySlot) {
  const auto slots = publish(clinician, "2031-03-04T09:00:00Z", "2031-03-04T12:00:00Z", 30);

  ASSERT_EQ(slots.size(), 6u);
  EXPECT_EQ(count("SELECT count(*) FROM availability_slots WHERE clinician_id = $1",
                  {clinician.user_id}),
            6);
  const auto own = list_own_slots(app(), clinician, kNow);
  ASSERT_EQ(own.size(), 6u);
  EXPECT_EQ(own.front().time.starts_at, at("2031-03-04T09:00:00Z"));
  EXPECT_EQ(own.back().time.ends_at, at("2031-03-04T12:00:00Z"));
  EXPECT_EQ(own.front().id, slots.front().id);
}

TEST_F(SchedulingPgTest, OverlappingAvailabilityRejectedWhole) {
  publish(clinician, "2031-03-04T09:00:00Z", "2031-03-04T10:00:00Z", 30);

  const auto error = error_of(
      [&] { publish(clinician, "2031-03-04T08:00:00Z", "2031-03-04T12:00:00Z", 30); });

  EXPECT_EQ(error.kind(), core::ErrorKind::conflict);
  EXPECT_EQ(error.field(), "starts_at");
  // Six of the eight new slots overlap nothing, and none of them was kept.
  EXPECT_EQ(count("SELECT count(*) FROM availability_slots WHERE clinician_id = $1",
                  {clinician.user_id}),
            2);
  EXPECT_EQ(count("SELECT count(*) FROM availability_slots WHERE starts_at < $1",
                  {"2031-03-04T09:00:00Z"}),
            0);
}

TEST_F(SchedulingPgTest, AdjacentAvailabilityAccepted) {
  publish(clinician, "2031-03-04T09:00:00Z", "2031-03-04T10:00:00Z", 30);
  publish(clinician, "2031-03-04T10:00:00Z", "2031-03-04T11:00:00Z", 30);

  EXPECT_EQ(list_own_slots(app(), clinician, kNow).size(), 4u);
}

TEST_F(SchedulingPgTest, PatientMayNotPublish) {
  const auto error = error_of(
      [&] { publish(patient_a, "2031-03-04T09:00:00Z", "2031-03-04T10:00:00Z", 30); });

  EXPECT_EQ(error.kind(), core::ErrorKind::forbidden);
}

TEST_F(SchedulingPgTest, BookingCopiesSlotAndAudits) {
  const auto slot = publish(clinician, "2031-03-04T09:00:00Z", "2031-03-04T09:30:00Z", 30).at(0);

  const auto appointment = book(patient_a, slot.id);

  EXPECT_EQ(appointment.slot_id, slot.id);
  EXPECT_EQ(appointment.time.starts_at, slot.time.starts_at);
  EXPECT_EQ(appointment.time.ends_at, slot.time.ends_at);
  EXPECT_EQ(appointment.status, AppointmentStatus::booked);
  EXPECT_EQ(appointment.patient.id, patient_a.user_id);
  EXPECT_EQ(appointment.patient.display_name, "Alice Patient");
  EXPECT_EQ(appointment.clinician.id, clinician.user_id);
  EXPECT_EQ(appointment.clinician.display_name, "Dr Ada Clinician");
  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE event_type = 'appointment.create'"
                  " AND actor_id = $1 AND patient_id = $1 AND record_id = $2"
                  " AND outcome = 'allowed'",
                  {patient_a.user_id, appointment.id}),
            1);
}

TEST_F(SchedulingPgTest, DoubleBookingSameSlotConflicts) {
  const auto slot = publish(clinician, "2031-03-04T09:00:00Z", "2031-03-04T09:30:00Z", 30).at(0);
  book(patient_a, slot.id);

  const auto error = error_of([&] { book(patient_b, slot.id); });

  EXPECT_EQ(error.kind(), core::ErrorKind::conflict);
  EXPECT_EQ(error.field(), "slot_id");
  EXPECT_EQ(error.client_message(), "slot_id: the slot is already booked; choose another slot");
  EXPECT_EQ(count("SELECT count(*) FROM appointments WHERE slot_id = $1", {slot.id}), 1);
}

// The second booking starts before the first commits, so only the database
// constraint can stop it.
TEST_F(SchedulingPgTest, ConcurrentBookingsOneWins) {
  const auto slot = publish(clinician, "2031-03-04T09:00:00Z", "2031-03-04T09:30:00Z", 30).at(0);
  db::Connection second(database().app_dsn());

  db::Transaction first_tx(app());
  book_appointment(first_tx, patient_a, slot.id, kNow);

  auto second_booking = std::async(std::launch::async, [&] {
    db::Transaction tx(second);
    book_appointment(tx, patient_b, slot.id, kNow);
    tx.commit();
  });
  // The second insert waits on the first transaction's index entry.
  EXPECT_EQ(second_booking.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  first_tx.commit();

  const auto error = error_of([&] { second_booking.get(); });
  EXPECT_EQ(error.kind(), core::ErrorKind::conflict);
  EXPECT_EQ(error.field(), "slot_id");
  EXPECT_EQ(count("SELECT count(*) FROM appointments WHERE slot_id = $1", {slot.id}), 1);
}

TEST_F(SchedulingPgTest, PatientCannotBookOverlappingSlots) {
  const auto other = actor(add_user("clinician", "Dr Bea Other"), identity::Role::clinician);
  const auto first = publish(clinician, "2031-03-04T09:00:00Z", "2031-03-04T09:30:00Z", 30).at(0);
  const auto second = publish(other, "2031-03-04T09:15:00Z", "2031-03-04T09:45:00Z", 30).at(0);
  book(patient_a, first.id);

  const auto error = error_of([&] { book(patient_a, second.id); });

  EXPECT_EQ(error.kind(), core::ErrorKind::conflict);
  EXPECT_EQ(error.field(), "slot_id");
  EXPECT_EQ(count("SELECT count(*) FROM appointments WHERE patient_id = $1", {patient_a.user_id}),
            1);
}

TEST_F(SchedulingPgTest, UnknownSlotNotFound) {
  const auto error = error_of([&] { book(patient_a, crypto::new_uuid()); });

  EXPECT_EQ(error.kind(), core::ErrorKind::not_found);
  EXPECT_EQ(error.field(), "slot_id");
}

TEST_F(SchedulingPgTest, StartedSlotUnacceptable) {
  const auto slot = publish(clinician, "2031-03-04T09:00:00Z", "2031-03-04T09:30:00Z", 30).at(0);

  const auto error = error_of([&] { book(patient_a, slot.id, at("2031-03-04T09:00:00Z")); });

  EXPECT_EQ(error.kind(), core::ErrorKind::unacceptable);
  EXPECT_EQ(error.field(), "slot_id");
}

TEST_F(SchedulingPgTest, ClinicianMayNotBook) {
  const auto slot = publish(clinician, "2031-03-04T09:00:00Z", "2031-03-04T09:30:00Z", 30).at(0);

  EXPECT_EQ(error_of([&] { book(clinician, slot.id); }).kind(), core::ErrorKind::forbidden);
}

TEST_F(SchedulingPgTest, FreeSlotsExcludeBookedOnes) {
  const auto slots = publish(clinician, "2031-03-04T09:00:00Z", "2031-03-04T10:00:00Z", 30);
  book(patient_a, slots.at(0).id);

  const auto free = list_free_slots(app(), clinician.user_id, kNow);
  ASSERT_EQ(free.size(), 1u);
  EXPECT_EQ(free[0].id, slots.at(1).id);
  EXPECT_FALSE(free[0].booked);

  const auto own = list_own_slots(app(), clinician, kNow);
  ASSERT_EQ(own.size(), 2u);
  EXPECT_TRUE(own[0].booked);
  EXPECT_FALSE(own[1].booked);
}

TEST_F(SchedulingPgTest, ListsOnlyFutureSlots) {
  publish(clinician, "2031-03-04T09:00:00Z", "2031-03-04T10:00:00Z", 30);

  const auto later = at("2031-03-04T09:00:00Z");
  EXPECT_EQ(list_own_slots(app(), clinician, later).size(), 1u);
  EXPECT_EQ(list_free_slots(app(), clinician.user_id, later).size(), 1u);
}

TEST_F(SchedulingPgTest, FreeSlotsOfNonClinicianNotFound) {
  EXPECT_EQ(error_of([&] { list_free_slots(app(), crypto::new_uuid(), kNow); }).kind(),
            core::ErrorKind::not_found);
  EXPECT_EQ(error_of([&] { list_free_slots(app(), patient_a.user_id, kNow); }).kind(),
            core::ErrorKind::not_found);
}

TEST_F(SchedulingPgTest, CliniciansListsActiveOnly) {
  const auto retired = add_user("clinician", "Dr Zed Retired");
  database().exec_as_superuser("UPDATE users SET active = false WHERE id = $1", {retired});

  const auto clinicians = list_clinicians(app());

  ASSERT_EQ(clinicians.size(), 1u);
  EXPECT_EQ(clinicians[0].id, clinician.user_id);
  EXPECT_EQ(clinicians[0].display_name, "Dr Ada Clinician");
}

TEST_F(SchedulingPgTest, ListAppointmentsSoonestFirst) {
  const auto slots = publish(clinician, "2031-03-04T09:00:00Z", "2031-03-04T10:30:00Z", 30);
  book(patient_a, slots.at(2).id);
  book(patient_a, slots.at(0).id);
  book(patient_b, slots.at(1).id);

  db::Transaction tx(app());
  const auto own = list_appointments(tx, patient_a, kNow);
  const auto clinicians = list_appointments(tx, clinician, kNow);
  tx.commit();

  ASSERT_EQ(own.size(), 2u);
  EXPECT_EQ(own[0].slot_id, slots.at(0).id);
  EXPECT_EQ(own[1].slot_id, slots.at(2).id);
  ASSERT_EQ(clinicians.size(), 3u);
  EXPECT_EQ(clinicians[0].patient.id, patient_a.user_id);
  EXPECT_EQ(clinicians[1].patient.id, patient_b.user_id);
  EXPECT_EQ(clinicians[2].patient.id, patient_a.user_id);
}

TEST_F(SchedulingPgTest, ListAppointmentsAudited) {
  const auto slots = publish(clinician, "2031-03-04T09:00:00Z", "2031-03-04T10:00:00Z", 30);
  book(patient_a, slots.at(0).id);
  book(patient_b, slots.at(1).id);

  db::Transaction tx(app());
  list_appointments(tx, patient_a, kNow);
  list_appointments(tx, clinician, kNow);
  tx.commit();

  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE event_type = 'appointment.list'"
                  " AND actor_id = $1 AND patient_id = $1",
                  {patient_a.user_id}),
            1);
  // The clinician's list covers two patients, so its event names neither.
  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE event_type = 'appointment.list'"
                  " AND actor_id = $1 AND patient_id IS NULL",
                  {clinician.user_id}),
            1);
}

TEST_F(SchedulingPgTest, ReadOwnAppointmentAudited) {
  const auto slot = publish(clinician, "2031-03-04T09:00:00Z", "2031-03-04T09:30:00Z", 30).at(0);
  const auto booked = book(patient_a, slot.id);

  db::Transaction tx(app());
  const auto by_patient = read_appointment(tx, patient_a, booked.id, kNow);
  const auto by_clinician = read_appointment(tx, clinician, booked.id, kNow);
  tx.commit();

  EXPECT_EQ(by_patient.id, booked.id);
  EXPECT_EQ(by_clinician.id, booked.id);
  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE event_type = 'appointment.read'"
                  " AND patient_id = $1 AND record_id = $2 AND outcome = 'allowed'",
                  {patient_a.user_id, booked.id}),
            2);
}

TEST_F(SchedulingPgTest, ReadOthersAppointmentDeniedAndAudited) {
  const auto other = actor(add_user("clinician", "Dr Bea Other"), identity::Role::clinician);
  const auto slot = publish(clinician, "2031-03-04T09:00:00Z", "2031-03-04T09:30:00Z", 30).at(0);
  const auto booked = book(patient_a, slot.id);

  for (const auto& outsider : {patient_b, other}) {
    db::Transaction tx(app());
    const auto error = error_of([&] { read_appointment(tx, outsider, booked.id, kNow); });
    EXPECT_EQ(error.kind(), core::ErrorKind::not_found);
    EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE event_type = 'appointment.read'"
                    " AND actor_id = $1 AND patient_id = $2 AND record_id = $3"
                    " AND outcome = 'denied'",
                    {outsider.user_id, patient_a.user_id, booked.id}),
              1);
  }
}

TEST_F(SchedulingPgTest, ReadUnknownAppointmentNotFound) {
  db::Transaction tx(app());
  const auto id = crypto::new_uuid();

  EXPECT_EQ(error_of([&] { read_appointment(tx, patient_a, id, kNow); }).kind(),
            core::ErrorKind::not_found);
  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE record_id = $1 AND outcome = 'denied'",
                  {id}),
            1);
}

}  // namespace
}  // namespace telehealth::scheduling
