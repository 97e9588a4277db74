#include "http/routes/records_routes.hpp"

#include <gtest/gtest.h>

#include <set>

#include "crypto/random.hpp"
#include "http/routes/prescription_routes.hpp"
#include "http/routes/scheduling_routes.hpp"
#include "records/formulary.hpp"
#include "support/api_harness.hpp"

namespace telehealth::http {
namespace {

using nlohmann::json;

std::set<std::string> keys_of(const json& object) {
  std::set<std::string> keys;
  for (const auto& item : object.items()) keys.insert(item.key());
  return keys;
}

const std::set<std::string> kEncounterKeys = {
    "id",         "appointment_id", "clinician",   "created_at", "updated_at",
    "status",     "version",        "signature",   "amendments", "presenting_complaint",
    "history",    "examination",    "assessment",  "plan",       "free_text",
    "note"};
const std::set<std::string> kPrescriptionKeys = {
    "id",          "appointment_id", "clinician", "created_at",    "status",
    "drug_code",   "drug_system",    "drug",      "form",          "strength",
    "dose",        "dose_unit",      "route",     "frequency",     "as_needed",
    "duration_days", "quantity",     "supply_unit", "repeats",     "instructions"};

// One product of the shipped formulary (data/formulary/rxnorm_subset.json).
const records::Formulary& test_formulary() {
  static const auto formulary = records::Formulary::from_json(
      json::parse(R"({"products": [{"code": "308191",
        "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
        "display": "amoxicillin 500 MG Oral Capsule", "name": "amoxicillin",
        "form": "oral capsule", "strength": "500 mg", "routes": ["oral"],
        "dose_unit": "capsule", "dose_step": 1, "max_dose": 2,
        "supply_unit": "capsule", "doses_per_supply_unit": 1}]})"),
      "test formulary");
  return formulary;
}

void expect_error(const test::ApiReply& reply, unsigned status, const std::string& code,
                  const std::string& field) {
  EXPECT_EQ(reply.status, status) << reply.body.dump();
  EXPECT_EQ(reply.body["error"]["code"], code) << reply.body.dump();
  EXPECT_EQ(reply.body["error"].value("field", ""), field) << reply.body.dump();
}

class RecordsRoutesTest : public test::ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    add_scheduling_routes(router(), services());
    add_records_routes(router(), services());
    add_prescription_routes(router(), services());
    services().formulary = &test_formulary();

    clinician_id = add_user("clinician", "Dr Ada Clinician");
    other_clinician_id = add_user("clinician", "Dr Bea Other");
    patient_id = add_user("patient", "Pat Records");
    clinician = sign_in(clinician_id);
    other_clinician = sign_in(other_clinician_id);
    patient = sign_in(patient_id);

    const auto published =
        call(clinician, "POST", "/api/availability",
             {{"starts_at", "2031-03-04T09:00:00Z"}, {"ends_at", "2031-03-04T09:30:00Z"},
              {"slot_minutes", 30}});
    ASSERT_EQ(published.status, 201u) << published.body.dump();
    const auto booked = call(patient, "POST", "/api/appointments",
                             {{"slot_id", published.body["slots"][0]["id"]}});
    ASSERT_EQ(booked.status, 201u) << booked.body.dump();
    appointment_id = booked.body["id"];
  }

  std::string path(const std::string& what) const {
    return "/api/patients/" + patient_id + "/" + what;
  }

  json prescription_body() const {
    return {{"appointment_id", appointment_id},
            {"drug_code", "308191"},
            {"dose", 1},
            {"route", "oral"},
            {"frequency", "three_times_daily"},
            {"duration_days", 7},
            {"quantity", 21},
            {"repeats", 0}};
  }

  std::int64_t count(std::string_view sql, const db::Params& params = {}) {
    return database().exec_as_superuser(sql, params).integer(0, 0);
  }

  std::string clinician_id, other_clinician_id, patient_id;
  std::string clinician, other_clinician, patient;  // session tokens
  std::string appointment_id;
};

TEST_F(RecordsRoutesTest, EncounterCreatedAndRead) {
  const auto created =
      call(clinician, "POST", path("encounters"),
           {{"appointment_id", appointment_id}, {"note", "  Chest clear; review in 2 weeks.\n"}});

  ASSERT_EQ(created.status, 201u) << created.body.dump();
  EXPECT_EQ(keys_of(created.body), kEncounterKeys);
  EXPECT_EQ(created.body["appointment_id"], appointment_id);
  EXPECT_EQ(created.body["clinician"],
            json({{"id", clinician_id}, {"display_name", "Dr Ada Clinician"}}));
  EXPECT_EQ(created.body["created_at"], "2031-03-03T08:00:00Z");
  EXPECT_EQ(created.body["note"], "Chest clear; review in 2 weeks.");
  EXPECT_EQ(created.header("Cache-Control"), "no-store");

  const auto records = call(patient, "GET", path("records"));
  ASSERT_EQ(records.status, 200u) << records.body.dump();
  EXPECT_EQ(keys_of(records.body),
            (std::set<std::string>{"patient", "appointments", "encounters", "prescriptions"}));
  EXPECT_EQ(records.body["patient"], json({{"id", patient_id}, {"display_name", "Pat Records"}}));
  ASSERT_EQ(records.body["appointments"].size(), 1u);
  EXPECT_EQ(records.body["appointments"][0]["id"], appointment_id);
  EXPECT_EQ(records.body["encounters"], json::array({created.body}));
  EXPECT_EQ(records.body["prescriptions"], json::array());
}

TEST_F(RecordsRoutesTest, PrescriptionCreatedAndRead) {
  const auto created = call(clinician, "POST", path("prescriptions"), prescription_body());

  ASSERT_EQ(created.status, 201u) << created.body.dump();
  EXPECT_EQ(keys_of(created.body), kPrescriptionKeys);
  EXPECT_EQ(created.body["form"], "oral capsule");
  EXPECT_EQ(created.body["drug_code"], "308191");
  EXPECT_EQ(created.body["status"], "issued");
  EXPECT_EQ(created.body["quantity"], 21);
  EXPECT_EQ(created.body["clinician"]["id"], clinician_id);

  const auto records = call(clinician, "GET", path("records"));
  ASSERT_EQ(records.status, 200u);
  EXPECT_EQ(records.body["prescriptions"], json::array({created.body}));
}

TEST_F(RecordsRoutesTest, ClinicianWithoutAppointmentGetsNotFound) {
  for (const auto& [method, what] : {std::pair{"GET", "records"}, std::pair{"POST", "encounters"},
                                     std::pair{"POST", "prescriptions"}}) {
    SCOPED_TRACE(what);
    const auto body = std::string(what) == "encounters"
                          ? json{{"appointment_id", appointment_id}, {"note", "note"}}
                          : prescription_body();
    const auto reply = call(other_clinician, method, path(what), body);
    expect_error(reply, 404, "not_found", "");
    EXPECT_EQ(reply.body["error"]["message"], "not found");
  }
  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE actor_id = $1 AND patient_id = $2"
                  " AND outcome = 'denied'",
                  {other_clinician_id, patient_id}),
            3);
  EXPECT_EQ(count("SELECT count(*) FROM encounters"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM prescriptions"), 0);
}

TEST_F(RecordsRoutesTest, OtherPatientGetsNotFound) {
  const auto other_patient = sign_in(add_user("patient", "Quinn Other"));

  expect_error(call(other_patient, "GET", path("records")), 404, "not_found", "");
}

TEST_F(RecordsRoutesTest, UnknownPatientNotFound) {
  expect_error(call(clinician, "GET", "/api/patients/" + crypto::new_uuid() + "/records"), 404,
               "not_found", "");
}

TEST_F(RecordsRoutesTest, PatientMayNotWrite) {
  expect_error(call(patient, "POST", path("encounters"),
                    {{"appointment_id", appointment_id}, {"note", "note"}}),
               403, "forbidden", "");
}

TEST_F(RecordsRoutesTest, EncounterFieldsValidated) {
  expect_error(call(clinician, "POST", path("encounters"), {{"appointment_id", appointment_id}}),
               400, "invalid_field", "note");
  expect_error(call(clinician, "POST", path("encounters"),
                    {{"appointment_id", appointment_id}, {"note", 5}}),
               400, "invalid_field", "note");
  expect_error(call(clinician, "POST", path("encounters"),
                    {{"appointment_id", appointment_id}, {"note", " \n "}}),
               422, "invalid_field", "note");
  expect_error(call(clinician, "POST", path("encounters"),
                    {{"appointment_id", appointment_id},
                     {"note", std::string(20001, 'x')}}),
               422, "invalid_field", "note");
  expect_error(call(clinician, "POST", path("encounters"),
                    {{"appointment_id", "visit-1"}, {"note", "note"}}),
               400, "invalid_field", "appointment_id");
  expect_error(call(clinician, "POST", path("encounters"),
                    {{"appointment_id", crypto::new_uuid()}, {"note", "note"}}),
               404, "not_found", "appointment_id");
  EXPECT_EQ(count("SELECT count(*) FROM encounters"), 0);
}

TEST_F(RecordsRoutesTest, PrescriptionFieldsValidated) {
  auto mismatch = prescription_body();
  mismatch["route"] = "intravenous";
  expect_error(call(clinician, "POST", path("prescriptions"), mismatch), 422, "invalid_field",
               "route");

  auto no_dose = prescription_body();
  no_dose.erase("dose");
  expect_error(call(clinician, "POST", path("prescriptions"), no_dose), 422, "invalid_field",
               "dose");

  auto too_many = prescription_body();
  too_many["quantity"] = 10001;
  expect_error(call(clinician, "POST", path("prescriptions"), too_many), 422, "invalid_field",
               "quantity");
  EXPECT_EQ(count("SELECT count(*) FROM prescriptions"), 0);
}

}  // namespace
}  // namespace telehealth::http
