// The access policy as a table: for each kind of caller, whether
// authorize_patient lets them at one patient's records, and the audit event
// it leaves either way.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "db/transaction.hpp"
#include "identity/policy.hpp"
#include "support/pg_fixture.hpp"

namespace telehealth::identity {
namespace {

const core::Seconds kNow = core::parse_rfc3339("2031-05-06T09:00:00Z").value();

enum class Caller {
  the_patient,
  another_patient,
  clinician_past_appointment,
  clinician_future_appointment,
  clinician_cancelled_appointment_only,
  clinician_without_appointment,
  admin,
  auditor,
};

struct Row {
  Caller caller;
  bool allowed;
};

// The access policy, deny by default: a patient reads only their own
// records; a clinician reads those of a patient with whom they have a booked
// appointment, past or future; a cancelled booking is no relationship;
// admins and auditors never read clinical content.
constexpr Row kPolicy[] = {
    {Caller::the_patient, true},
    {Caller::another_patient, false},
    {Caller::clinician_past_appointment, true},
    {Caller::clinician_future_appointment, true},
    {Caller::clinician_cancelled_appointment_only, false},
    {Caller::clinician_without_appointment, false},
    {Caller::admin, false},
    {Caller::auditor, false},
};

class PolicyTable : public test::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    patient_ = add_user("patient", "Ines Calloway");
    const auto other_patient = add_user("patient", "Teodor Haskins");
    const auto past = add_user("clinician", "Dr Amara Quist");
    const auto future = add_user("clinician", "Dr Felix Oduya");
    const auto cancelled = add_user("clinician", "Dr Rhea Lindgren");
    const auto unrelated = add_user("clinician", "Dr Soren Vale");
    book(past, "2031-04-01T10:00:00Z", "booked");
    book(future, "2031-06-01T10:00:00Z", "booked");
    book(cancelled, "2031-05-20T10:00:00Z", "cancelled");
    ids_ = {{Caller::the_patient, {patient_, Role::patient}},
            {Caller::another_patient, {other_patient, Role::patient}},
            {Caller::clinician_past_appointment, {past, Role::clinician}},
            {Caller::clinician_future_appointment, {future, Role::clinician}},
            {Caller::clinician_cancelled_appointment_only, {cancelled, Role::clinician}},
            {Caller::clinician_without_appointment, {unrelated, Role::clinician}},
            {Caller::admin, {add_user("admin", "Mina Arkwright"), Role::admin}},
            {Caller::auditor, {add_user("auditor", "Colm Dunleavy"), Role::auditor}}};
  }

  void book(const std::string& clinician, const char* starts_at, const char* status) {
    database().exec_as_superuser(
        "INSERT INTO appointments (id, patient_id, clinician_id, starts_at, ends_at, status)"
        " VALUES (gen_random_uuid(), $1, $2, $3::timestamptz,"
        " $3::timestamptz + interval '15 minutes', $4)",
        {patient_, clinician, starts_at, status});
  }

  // Runs authorize_patient in its own transaction and returns whether it allowed.
  bool authorize(const Actor& actor) {
    db::Transaction tx(app());
    try {
      authorize_patient(tx, actor, patient_, {"records", std::nullopt}, "records.read", kNow);
      tx.commit();
      return true;
    } catch (const core::Error& error) {
      EXPECT_EQ(error.kind(), core::ErrorKind::not_found) << "a denial must look like a 404";
      return false;
    }
  }

  std::string patient_;
  std::map<Caller, std::pair<std::string, Role>> ids_;
};

TEST_F(PolicyTable, DecidesEachCallerAndAuditsEachDecision) {
  for (const auto& row : kPolicy) {
    const auto& [user_id, role] = ids_.at(row.caller);
    const Actor actor{user_id, role, "192.0.2.10", "policy_pgtest", "req-" + user_id};
    EXPECT_EQ(authorize(actor), row.allowed) << "caller " << static_cast<int>(row.caller);

    const auto events = database().exec_as_superuser(
        "SELECT event_type, outcome, patient_id::text, actor_role FROM audit_events"
        " WHERE request_id = $1",
        {actor.request_id});
    ASSERT_EQ(events.rows(), 1) << "caller " << static_cast<int>(row.caller);
    EXPECT_EQ(events.text(0, 0), "records.read");
    EXPECT_EQ(events.text(0, 1), row.allowed ? "allowed" : "denied");
    EXPECT_EQ(events.text(0, 2), patient_);
    EXPECT_EQ(events.text(0, 3), to_string(role));
  }
}

}  // namespace
}  // namespace telehealth::identity
