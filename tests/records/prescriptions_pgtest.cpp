#include "records/prescriptions.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "core/error.hpp"
#include "crypto/encoding.hpp"
#include "crypto/keyring.hpp"
#include "crypto/random.hpp"
#include "db/transaction.hpp"
#include "identity/policy.hpp"
#include "records/records.hpp"
#include "scheduling/appointments.hpp"
#include "scheduling/availability.hpp"
#include "support/pg_fixture.hpp"

namespace telehealth::records {
namespace {

core::Seconds at(const char* rfc3339) { return core::parse_rfc3339(rfc3339).value(); }

const core::Seconds kNow = at("2031-03-03T08:00:00Z");

identity::Actor actor(const std::string& user_id, identity::Role role) {
  return {user_id, role, "127.0.0.1", "prescriptions_pgtest", "request-" + user_id.substr(0, 8)};
}

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

// A free-text prescription as rows written before migration 013 hold it.
const PrescriptionContent kLegacyInhaler{"salbutamol", "100 micrograms", "inhaler", "2 puffs",
                                         "inhalation", "when needed", 1};

PrescriptionOrder amoxicillin_order() {
  PrescriptionOrder order;
  order.drug_code = "308191";
  order.drug_system = std::string(kRxNormSystem);
  order.drug = "amoxicillin 500 MG Oral Capsule";
  order.form = "oral capsule";
  order.strength = "500 mg";
  order.dose = 1;
  order.dose_unit = "capsule";
  order.route = "oral";
  order.frequency = "three_times_daily";
  order.duration_days = 5;
  order.quantity = 15;
  order.supply_unit = "capsule";
  order.instructions = "With food.";
  return order;
}

class PrescriptionsPgTest : public test::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;

    keyring_dir = std::filesystem::temp_directory_path() /
                  ("th-prescriptions-pgtest-" + crypto::hex_encode(crypto::random_bytes(8)));
    std::filesystem::create_directories(keyring_dir);
    keyring.emplace(crypto::Keyring::open_or_create(keyring_dir / "keyring.json"));

    clinician = actor(add_user("clinician", "Dr Ada Clinician"), identity::Role::clinician);
    patient = actor(add_user("patient", "Pat Prescriptions"), identity::Role::patient);
    appointment_id = book(clinician, "2031-03-04T09:00:00Z");
  }

  void TearDown() override {
    keyring.reset();
    if (!keyring_dir.empty()) std::filesystem::remove_all(keyring_dir);
    PgTest::TearDown();
  }

  std::string book(const identity::Actor& with, const char* starts_at) {
    db::Transaction tx(app());
    const auto start = at(starts_at);
    const auto slots = scheduling::publish_availability(
        tx, with, {start, start + std::chrono::minutes{30}, 30}, kNow);
    const auto booked = scheduling::book_appointment(tx, patient, slots.at(0).id, kNow);
    tx.commit();
    return booked.id;
  }

  identity::PatientAccess authorize(db::Transaction& tx, const identity::Actor& who,
                                    const char* event_type, std::optional<std::string> id = {}) {
    return identity::authorize_patient(tx, who, patient.user_id, {"prescription", std::move(id)},
                                       event_type, kNow);
  }

  std::string add_legacy() {
    db::Transaction tx(app());
    const auto id = crypto::new_uuid();
    const auto access = authorize(tx, clinician, "prescription.create", id);
    create_prescription(access, *keyring, id, appointment_id, kLegacyInhaler);
    tx.commit();
    return id;
  }

  std::string issue() {
    db::Transaction tx(app());
    const auto id = crypto::new_uuid();
    const auto access = authorize(tx, clinician, "prescription.create", id);
    issue_prescription(access, *keyring, id, appointment_id, amoxicillin_order());
    tx.commit();
    return id;
  }

  Prescription cancel(const std::string& id, const std::string& reason) {
    db::Transaction tx(app());
    const auto access = authorize(tx, clinician, "prescription.cancel", id);
    auto cancelled = cancel_prescription(access, *keyring, id, reason);
    tx.commit();
    return cancelled;
  }

  std::vector<PrescriptionVersion> versions(const std::string& id) {
    db::Transaction tx(app());
    const auto access = authorize(tx, patient, "prescription.versions_read", id);
    auto result = read_prescription_versions(access, *keyring, id);
    tx.commit();
    return result;
  }

  std::filesystem::path keyring_dir;
  std::optional<crypto::Keyring> keyring;
  identity::Actor clinician;
  identity::Actor patient;
  std::string appointment_id;
};

TEST_F(PrescriptionsPgTest, LegacyRowReadsAsVersionOne) {
  const auto id = add_legacy();

  const auto before = versions(id);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].version, 1);
  EXPECT_EQ(before[0].action, "issued");
  EXPECT_EQ(before[0].actor.id, clinician.user_id);
  EXPECT_FALSE(before[0].prescription.order.has_value());
  EXPECT_EQ(before[0].prescription.content.drug, "salbutamol");
  EXPECT_EQ(before[0].prescription.status, "issued");
  EXPECT_EQ(prescription_fields_json(before[0].prescription)["drug_code"], nullptr);

  const auto cancelled = cancel(id, "  Switched to a spacer device.  ");
  EXPECT_EQ(cancelled.status, "cancelled");

  const auto after = versions(id);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].action, "issued");
  EXPECT_EQ(after[0].prescription.status, "issued");
  EXPECT_EQ(after[1].version, 2);
  EXPECT_EQ(after[1].action, "cancelled");
  EXPECT_EQ(after[1].cancel_reason, "Switched to a spacer device.");
  EXPECT_EQ(after[1].prescription.status, "cancelled");
  EXPECT_EQ(after[1].prescription.content.dose, "2 puffs");

  db::Transaction tx(app());
  const auto access = authorize(tx, patient, "records.read");
  const auto records = read_records(access, *keyring);
  tx.commit();
  ASSERT_EQ(records.prescriptions.size(), 1u);
  EXPECT_EQ(records.prescriptions[0].status, "cancelled");
  EXPECT_EQ(records.prescriptions[0].content.drug, "salbutamol");
}

TEST_F(PrescriptionsPgTest, CodedPrescriptionVersions) {
  const auto id = issue();
  cancel(id, "Rash.");

  const auto history = versions(id);
  ASSERT_EQ(history.size(), 2u);
  ASSERT_TRUE(history[0].prescription.order.has_value());
  EXPECT_EQ(history[0].prescription.order->drug_code, "308191");
  EXPECT_EQ(history[0].prescription.status, "issued");
  EXPECT_EQ(history[0].cancel_reason, std::nullopt);
  ASSERT_TRUE(history[1].prescription.order.has_value());
  EXPECT_EQ(history[1].prescription.order->instructions, "With food.");
  EXPECT_EQ(history[1].cancel_reason, "Rash.");
}

TEST_F(PrescriptionsPgTest, SecondCancelConflicts) {
  const auto id = issue();
  cancel(id, "Rash.");

  db::Transaction tx(app());
  const auto access = authorize(tx, clinician, "prescription.cancel", id);
  const auto error = error_of([&] { cancel_prescription(access, *keyring, id, "Again."); });
  EXPECT_EQ(error.kind(), core::ErrorKind::conflict);
}

TEST_F(PrescriptionsPgTest, MovedVersionFailsToOpen) {
  const auto first = issue();
  const auto second = issue();
  // Triggers reject the change even for the superuser, so the test turns
  // them off for the one statement that plays an attacker with table access.
  database().exec_as_superuser(
      "ALTER TABLE prescription_versions DISABLE TRIGGER prescription_versions_no_update_delete");
  database().exec_as_superuser(
      "UPDATE prescription_versions SET content_sealed ="
      " (SELECT content_sealed FROM prescription_versions WHERE prescription_id = $1)"
      " WHERE prescription_id = $2",
      {first, second});
  database().exec_as_superuser(
      "ALTER TABLE prescription_versions ENABLE TRIGGER prescription_versions_no_update_delete");

  EXPECT_EQ(versions(first).size(), 1u);
  const auto error = error_of([&] { versions(second); });
  EXPECT_EQ(error.kind(), core::ErrorKind::internal);
  EXPECT_NE(error.detail().find("failed authentication"), std::string::npos) << error.detail();
}

TEST_F(PrescriptionsPgTest, OtherPatientsPrescriptionNotFound) {
  const auto id = issue();
  const auto other = actor(add_user("patient", "Quinn Other"), identity::Role::patient);

  db::Transaction tx(app());
  // `other` reads their own record set, which does not hold `id`.
  const auto access = identity::authorize_patient(tx, other, other.user_id,
                                                  {"prescription", id},
                                                  "prescription.versions_read", kNow);
  const auto error = error_of([&] { read_prescription_versions(access, *keyring, id); });
  EXPECT_EQ(error.kind(), core::ErrorKind::not_found);
}

}  // namespace
}  // namespace telehealth::records
