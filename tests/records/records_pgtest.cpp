#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "core/error.hpp"
#include "crypto/aead.hpp"
#include "crypto/encoding.hpp"
#include "crypto/keyring.hpp"
#include "crypto/random.hpp"
#include "db/transaction.hpp"
#include "identity/policy.hpp"
#include "records/patient_key.hpp"
#include "records/records.hpp"
#include "records/sealing.hpp"
#include "scheduling/appointments.hpp"
#include "scheduling/availability.hpp"
#include "support/pg_fixture.hpp"

namespace telehealth::records {
namespace {

core::Seconds at(const char* rfc3339) { return core::parse_rfc3339(rfc3339).value(); }

const core::Seconds kNow = at("2031-03-03T08:00:00Z");

// Counts, across every column of every table, the rows whose value contains
// the phrase: text-like columns through a cast to text, bytea columns by
// searching the raw bytes (their text form is hex, which a LIKE would miss).
constexpr const char* kCountPhraseFunction = R"sql(
CREATE FUNCTION pg_temp.count_phrase(phrase text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  col record;
  found bigint;
  total bigint := 0;
BEGIN
  FOR col IN
    SELECT c.table_name, c.column_name, c.data_type
    FROM information_schema.columns c
    JOIN information_schema.tables t USING (table_schema, table_name)
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
  LOOP
    IF col.data_type = 'bytea' THEN
      EXECUTE format('SELECT count(*) FROM %I WHERE position(convert_to($1, ''UTF8'') IN %I) > 0',
                     col.table_name, col.column_name) INTO found USING phrase;
    ELSE
      EXECUTE format('SELECT count(*) FROM %I WHERE %I::text LIKE $1',
                     col.table_name, col.column_name) INTO found USING '%' || phrase || '%';
    END IF;
    total := total + found;
  END LOOP;
  RETURN total;
END
$$)sql";

identity::Actor actor(const std::string& user_id, identity::Role role) {
  return {user_id, role, "127.0.0.1", "records_pgtest", "request-" + user_id.substr(0, 8)};
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

class RecordsPgTest : public test::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;

    keyring_dir = std::filesystem::temp_directory_path() /
                  ("th-records-pgtest-" + crypto::hex_encode(crypto::random_bytes(8)));
    std::filesystem::create_directories(keyring_dir);
    keyring.emplace(crypto::Keyring::open_or_create(keyring_dir / "keyring.json"));

    clinician = actor(add_user("clinician", "Dr Ada Clinician"), identity::Role::clinician);
    other_clinician = actor(add_user("clinician", "Dr Bea Other"), identity::Role::clinician);
    patient = actor(add_user("patient", "Pat Control-Marker Person"), identity::Role::patient);
    appointment_id = book(clinician, "2031-03-04T09:00:00Z");
  }

  void TearDown() override {
    keyring.reset();
    if (!keyring_dir.empty()) std::filesystem::remove_all(keyring_dir);
    PgTest::TearDown();
  }

  // Publishes one 30-minute slot for `with` and books it for the patient.
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
    return identity::authorize_patient(tx, who, patient.user_id, {"test", std::move(id)},
                                       event_type, kNow);
  }

  Encounter add_encounter(const std::string& note) {
    db::Transaction tx(app());
    const auto id = crypto::new_uuid();
    const auto access = authorize(tx, clinician, "encounter.create", id);
    auto encounter = create_encounter(access, *keyring, id, appointment_id, note);
    tx.commit();
    return encounter;
  }

  Prescription add_prescription(const PrescriptionContent& content) {
    db::Transaction tx(app());
    const auto id = crypto::new_uuid();
    const auto access = authorize(tx, clinician, "prescription.create", id);
    auto prescription = create_prescription(access, *keyring, id, appointment_id, content);
    tx.commit();
    return prescription;
  }

  PatientRecords read_as(const identity::Actor& who) {
    db::Transaction tx(app());
    const auto access = authorize(tx, who, "records.read");
    auto records = read_records(access, *keyring);
    tx.commit();
    return records;
  }

  std::int64_t count(std::string_view sql, const db::Params& params = {}) {
    return database().exec_as_superuser(sql, params).integer(0, 0);
  }

  std::filesystem::path keyring_dir;
  std::optional<crypto::Keyring> keyring;
  identity::Actor clinician;
  identity::Actor other_clinician;
  identity::Actor patient;
  std::string appointment_id;
};

const PrescriptionContent kInhaler{"salbutamol", "100 micrograms", "inhaler", "2 puffs",
                                   "inhalation", "when needed", 1};

TEST_F(RecordsPgTest, ClinicianWithoutAppointmentDenied) {
  db::Transaction tx(app());

  const auto error = error_of([&] { authorize(tx, other_clinician, "records.read"); });

  EXPECT_EQ(error.kind(), core::ErrorKind::not_found);
  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE event_type = 'records.read'"
                  " AND actor_id = $1 AND patient_id = $2 AND outcome = 'denied'",
                  {other_clinician.user_id, patient.user_id}),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE actor_id = $1 AND outcome = 'allowed'",
                  {other_clinician.user_id}),
            0);
}

TEST_F(RecordsPgTest, TreatingClinicianAllowedAndAudited) {
  const auto records = read_as(clinician);

  EXPECT_EQ(records.patient.id, patient.user_id);
  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE event_type = 'records.read'"
                  " AND actor_id = $1 AND patient_id = $2 AND outcome = 'allowed'",
                  {clinician.user_id, patient.user_id}),
            1);
}

TEST_F(RecordsPgTest, RecordsRoundTrip) {
  const auto encounter = add_encounter("  Chest clear. Review in two weeks.\n");
  const auto prescription = add_prescription(kInhaler);

  EXPECT_EQ(encounter.sections.free_text, "Chest clear. Review in two weeks.");
  EXPECT_EQ(encounter.clinician.display_name, "Dr Ada Clinician");
  EXPECT_EQ(encounter.created_at, kNow);

  const auto records = read_as(patient);
  EXPECT_EQ(records.patient.display_name, "Pat Control-Marker Person");
  ASSERT_EQ(records.appointments.size(), 1u);
  EXPECT_EQ(records.appointments[0].id, appointment_id);
  ASSERT_EQ(records.encounters.size(), 1u);
  EXPECT_EQ(records.encounters[0].id, encounter.id);
  EXPECT_EQ(records.encounters[0].appointment_id, appointment_id);
  EXPECT_EQ(records.encounters[0].sections.free_text, "Chest clear. Review in two weeks.");
  EXPECT_EQ(records.encounters[0].created_at, kNow);
  ASSERT_EQ(records.prescriptions.size(), 1u);
  EXPECT_EQ(records.prescriptions[0].id, prescription.id);
  EXPECT_EQ(records.prescriptions[0].content.drug, "salbutamol");
  EXPECT_EQ(records.prescriptions[0].content.quantity, 1);
  EXPECT_EQ(records.prescriptions[0].clinician.id, clinician.user_id);
}

TEST_F(RecordsPgTest, OneDataKeyPerPatient) {
  add_encounter("first");
  add_encounter("second");
  add_prescription(kInhaler);

  EXPECT_EQ(count("SELECT count(*) FROM patient_keys WHERE patient_id = $1", {patient.user_id}), 1);
  EXPECT_EQ(count("SELECT count(*) FROM patient_keys WHERE kek_version = $1",
                  {std::to_string(keyring->active_version())}),
            1);
}

TEST_F(RecordsPgTest, WritesAuditNewRecordId) {
  const auto encounter = add_encounter("note");

  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE event_type = 'encounter.create'"
                  " AND actor_id = $1 AND patient_id = $2 AND record_id = $3"
                  " AND outcome = 'allowed'",
                  {clinician.user_id, patient.user_id, encounter.id}),
            1);
}

TEST_F(RecordsPgTest, PlaintextNeverStored) {
  const std::string note_phrase = "Quokka lantern nebula 5183";
  const std::string drug_phrase = "Zyphrotane-Marker 7731";
  add_encounter("Patient reports: " + note_phrase + ". Plan agreed.");
  auto content = kInhaler;
  content.drug = drug_phrase;
  add_prescription(content);

  database().exec_as_superuser(kCountPhraseFunction);
  const auto occurrences = [&](const std::string& phrase) {
    return count("SELECT pg_temp.count_phrase($1)", {phrase});
  };

  EXPECT_EQ(occurrences(note_phrase), 0);
  EXPECT_EQ(occurrences(drug_phrase), 0);

  const auto records = read_as(patient);
  ASSERT_EQ(records.encounters.size(), 1u);
  EXPECT_NE(records.encounters[0].sections.free_text.find(note_phrase), std::string::npos);
  ASSERT_EQ(records.prescriptions.size(), 1u);
  EXPECT_EQ(records.prescriptions[0].content.drug, drug_phrase);

  // The search finds a phrase that is stored: a text column, and then a
  // bytea column holding plaintext.
  EXPECT_EQ(occurrences("Control-Marker"), 1);
  database().exec_as_superuser("UPDATE patient_keys SET wrapped_key = convert_to($1, 'UTF8')",
                               {note_phrase});
  EXPECT_EQ(occurrences(note_phrase), 1);
}

TEST_F(RecordsPgTest, CopiedNoteFailsToOpen) {
  const auto first = add_encounter("first note of the day");
  const auto second = add_encounter("second note of the day");
  // Version rows reject UPDATE for every role, so the copy needs the
  // triggers switched off, as a superuser tampering with rows would do.
  database().exec_as_superuser(
      "ALTER TABLE encounter_note_versions DISABLE TRIGGER encounter_note_versions_no_update_delete");
  database().exec_as_superuser(
      "UPDATE encounter_note_versions SET content_sealed ="
      " (SELECT content_sealed FROM encounter_note_versions WHERE encounter_id = $1"
      "  AND kind = 'signed') WHERE encounter_id = $2 AND kind = 'signed'",
      {first.id, second.id});

  const auto error = error_of([&] { read_as(patient); });
  EXPECT_EQ(error.kind(), core::ErrorKind::internal);
}

TEST_F(RecordsPgTest, LegacyNoteReadAndAmended) {
  // A note as stored before structured notes: one sealed text in
  // encounters.note_sealed, signed, with no version rows.
  const auto id = crypto::new_uuid();
  {
    db::Transaction tx(app());
    const auto access = authorize(tx, clinician, "test.setup", id);
    const auto sealed = seal_note(patient_data_key(access, *keyring), id, "Legacy single text");
    tx.commit();
    database().exec_as_superuser(
        "INSERT INTO encounters (id, patient_id, clinician_id, appointment_id, created_at,"
        " note_sealed, status, current_version, signed_at, signed_by)"
        " VALUES ($1, $2, $3, $4, $5, $6, 'signed', 0, $5, $3)",
        {id, patient.user_id, clinician.user_id, appointment_id, "2031-03-03T07:00:00Z",
         db::bytea_param(sealed)});
  }

  db::Transaction tx(app());
  const auto access = authorize(tx, clinician, "encounter.amend", id);
  const auto amendment = amend_note(access, *keyring, id, {"Added later", "Late result"});
  tx.commit();
  EXPECT_EQ(amendment.version, 1);

  const auto records = read_as(patient);
  ASSERT_EQ(records.encounters.size(), 1u);
  const auto& note = records.encounters[0];
  EXPECT_EQ(note.sections.free_text, "Legacy single text");
  EXPECT_EQ(note.sections.plan, "");
  EXPECT_EQ(note.status, NoteStatus::signed_note);
  ASSERT_TRUE(note.signature.has_value());
  EXPECT_EQ(note.signature->content_sha256, "");
  EXPECT_EQ(note.signature->version, 0);
  ASSERT_EQ(note.amendments.size(), 1u);
  EXPECT_EQ(note.amendments[0].content.text, "Added later");
  EXPECT_EQ(note.amendments[0].content.reason, "Late result");
}

TEST_F(RecordsPgTest, KeyOfOtherPatientFailsToUnwrap) {
  add_encounter("note");
  const auto other_patient = add_user("patient", "Quinn Other");
  // Another patient's row now contains this patient's wrapped key.
  database().exec_as_superuser(
      "INSERT INTO patient_keys (patient_id, kek_version, wrapped_key)"
      " SELECT $1, kek_version, wrapped_key FROM patient_keys WHERE patient_id = $2",
      {other_patient, patient.user_id});

  db::Transaction tx(app());
  const auto access = identity::authorize_patient(
      tx, actor(other_patient, identity::Role::patient), other_patient, {"records", std::nullopt},
      "records.read", kNow);

  EXPECT_EQ(error_of([&] { find_patient_data_key(access, *keyring); }).kind(),
            core::ErrorKind::internal);
}

TEST_F(RecordsPgTest, AppointmentOfOtherClinicianNotFound) {
  book(other_clinician, "2031-03-05T09:00:00Z");

  for (const auto& wrong_appointment : {appointment_id, crypto::new_uuid()}) {
    db::Transaction tx(app());
    const auto id = crypto::new_uuid();
    const auto access = authorize(tx, other_clinician, "encounter.create", id);
    const auto error =
        error_of([&] { create_encounter(access, *keyring, id, wrong_appointment, "note"); });
    EXPECT_EQ(error.kind(), core::ErrorKind::not_found);
    EXPECT_EQ(error.field(), "appointment_id");
  }
  EXPECT_EQ(count("SELECT count(*) FROM encounters"), 0);
}

TEST_F(RecordsPgTest, CancelledAppointmentUnacceptable) {
  const auto cancelled = book(clinician, "2031-03-05T09:00:00Z");
  database().exec_as_superuser("UPDATE appointments SET status = 'cancelled' WHERE id = $1",
                               {cancelled});

  db::Transaction tx(app());
  const auto id = crypto::new_uuid();
  const auto access = authorize(tx, clinician, "prescription.create", id);
  const auto error =
      error_of([&] { create_prescription(access, *keyring, id, cancelled, kInhaler); });

  EXPECT_EQ(error.kind(), core::ErrorKind::unacceptable);
  EXPECT_EQ(error.field(), "appointment_id");
}

TEST_F(RecordsPgTest, PatientCannotWriteOwnRecord) {
  db::Transaction tx(app());
  const auto id = crypto::new_uuid();
  const auto access = authorize(tx, patient, "encounter.create", id);

  EXPECT_EQ(
      error_of([&] { create_encounter(access, *keyring, id, appointment_id, "note"); }).kind(),
      core::ErrorKind::forbidden);
}

TEST_F(RecordsPgTest, BlankNoteRejectedBeforeWriting) {
  db::Transaction tx(app());
  const auto id = crypto::new_uuid();
  const auto access = authorize(tx, clinician, "encounter.create", id);

  const auto error = error_of([&] { create_encounter(access, *keyring, id, appointment_id, " "); });

  EXPECT_EQ(error.kind(), core::ErrorKind::unacceptable);
  EXPECT_EQ(error.field(), "note");
  // Read inside the transaction: nothing, not even the data key, was written.
  EXPECT_EQ(tx.exec("SELECT count(*) FROM patient_keys").integer(0, 0), 0);
}

}  // namespace
}  // namespace telehealth::records
