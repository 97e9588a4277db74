#include "http/routes/scheduling_routes.hpp"

#include <gtest/gtest.h>

#include <set>

#include "crypto/random.hpp"
#include "support/api_harness.hpp"

namespace telehealth::http {
namespace {

using nlohmann::json;

std::set<std::string> keys_of(const json& object) {
  std::set<std::string> keys;
  for (const auto& item : object.items()) keys.insert(item.key());
  return keys;
}

const std::set<std::string> kSlotKeys = {"id", "clinician_id", "starts_at", "ends_at", "booked"};
const std::set<std::string> kAppointmentKeys = {"id",     "starts_at", "ends_at",
                                                "status", "patient",   "clinician"};
const std::set<std::string> kPersonKeys = {"id", "display_name"};

class SchedulingRoutesTest : public test::ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    add_scheduling_routes(router(), services());

    clinician_id = add_user("clinician", "Dr Ada Clinician");
    patient_a_id = add_user("patient", "Alice Patient");
    patient_b_id = add_user("patient", "Bob Patient");
    clinician = sign_in(clinician_id);
    patient_a = sign_in(patient_a_id);
    patient_b = sign_in(patient_b_id);
  }

  test::ApiReply publish(const char* starts_at, const char* ends_at, int slot_minutes) {
    return call(clinician, "POST", "/api/availability",
                {{"starts_at", starts_at}, {"ends_at", ends_at}, {"slot_minutes", slot_minutes}});
  }

  std::string clinician_id, patient_a_id, patient_b_id;
  std::string clinician, patient_a, patient_b;  // session tokens
};

void expect_error(const test::ApiReply& reply, unsigned status, const std::string& code,
                  const std::string& field) {
  EXPECT_EQ(reply.status, status) << reply.body.dump();
  EXPECT_EQ(reply.body["error"]["code"], code) << reply.body.dump();
  if (field.empty()) {
    EXPECT_FALSE(reply.body["error"].contains("field")) << reply.body.dump();
  } else {
    EXPECT_EQ(reply.body["error"].value("field", ""), field) << reply.body.dump();
  }
}

TEST_F(SchedulingRoutesTest, PublishReturnsSlots) {
  const auto reply = publish("2031-03-04T09:00:00Z", "2031-03-04T10:10:00Z", 30);

  ASSERT_EQ(reply.status, 201u) << reply.body.dump();
  const auto& slots = reply.body.at("slots");
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(keys_of(slots[0]), kSlotKeys);
  EXPECT_EQ(slots[0]["clinician_id"], clinician_id);
  EXPECT_EQ(slots[0]["starts_at"], "2031-03-04T09:00:00Z");
  EXPECT_EQ(slots[0]["ends_at"], "2031-03-04T09:30:00Z");
  EXPECT_EQ(slots[1]["ends_at"], "2031-03-04T10:00:00Z");
  EXPECT_EQ(slots[0]["booked"], false);

  const auto own = call(clinician, "GET", "/api/availability");
  ASSERT_EQ(own.status, 200u);
  EXPECT_EQ(own.body, slots);
}

TEST_F(SchedulingRoutesTest, PublishValidatesFields) {
  expect_error(call(clinician, "POST", "/api/availability",
                    {{"starts_at", "2031-03-04T09:00:00Z"}, {"ends_at", "2031-03-04T10:00:00Z"}}),
               400, "invalid_field", "slot_minutes");
  expect_error(call(clinician, "POST", "/api/availability",
                    {{"starts_at", "tomorrow"}, {"ends_at", "2031-03-04T10:00:00Z"},
                     {"slot_minutes", 30}}),
               400, "invalid_field", "starts_at");
  expect_error(call(clinician, "POST", "/api/availability",
                    {{"starts_at", "2031-03-04T09:00:00Z"}, {"ends_at", "2031-03-04T10:00:00Z"},
                     {"slot_minutes", "30"}}),
               400, "invalid_field", "slot_minutes");
  expect_error(publish("2031-03-04T09:00:00Z", "2031-03-04T08:00:00Z", 30), 422, "invalid_field",
               "ends_at");
  expect_error(publish("2031-03-04T09:00:00Z", "2031-03-19T09:00:01Z", 30), 422, "invalid_field",
               "ends_at");
  expect_error(publish("2031-03-04T09:00:00Z", "2031-03-04T10:00:00Z", 300), 422,
               "invalid_field", "slot_minutes");
  expect_error(publish("2031-03-02T09:00:00Z", "2031-03-02T10:00:00Z", 30), 422, "invalid_field",
               "starts_at");
}

TEST_F(SchedulingRoutesTest, MalformedBodyRejected) {
  const auto reply = call(clinician, "POST", "/api/availability", json::array({1, 2}));

  expect_error(reply, 400, "malformed_json", "");
}

TEST_F(SchedulingRoutesTest, OverlappingPublishConflicts) {
  ASSERT_EQ(publish("2031-03-04T09:00:00Z", "2031-03-04T10:00:00Z", 30).status, 201u);

  expect_error(publish("2031-03-04T09:30:00Z", "2031-03-04T11:00:00Z", 30), 409, "conflict",
               "starts_at");
  EXPECT_EQ(call(clinician, "GET", "/api/availability").body.size(), 2u);
}

TEST_F(SchedulingRoutesTest, RolesEnforced) {
  expect_error(call(patient_a, "POST", "/api/availability",
                    {{"starts_at", "2031-03-04T09:00:00Z"},
                     {"ends_at", "2031-03-04T10:00:00Z"},
                     {"slot_minutes", 30}}),
               403, "forbidden", "");
  expect_error(call(patient_a, "GET", "/api/availability"), 403, "forbidden", "");
  expect_error(call(clinician, "GET", "/api/clinicians/" + clinician_id + "/slots"), 403,
               "forbidden", "");
  expect_error(call(clinician, "POST", "/api/appointments", {{"slot_id", crypto::new_uuid()}}),
               403, "forbidden", "");
  expect_error(call("", "GET", "/api/appointments"), 401, "unauthenticated", "");
  expect_error(call("", "GET", "/api/clinicians"), 401, "unauthenticated", "");
}

TEST_F(SchedulingRoutesTest, BookingFlow) {
  const auto published = publish("2031-03-04T09:00:00Z", "2031-03-04T10:00:00Z", 30);
  ASSERT_EQ(published.status, 201u);

  const auto clinicians = call(patient_a, "GET", "/api/clinicians");
  ASSERT_EQ(clinicians.status, 200u);
  ASSERT_EQ(clinicians.body.size(), 1u);
  EXPECT_EQ(keys_of(clinicians.body[0]), kPersonKeys);
  EXPECT_EQ(clinicians.body[0]["id"], clinician_id);
  EXPECT_EQ(clinicians.body[0]["display_name"], "Dr Ada Clinician");

  const auto free = call(patient_a, "GET", "/api/clinicians/" + clinician_id + "/slots");
  ASSERT_EQ(free.status, 200u);
  ASSERT_EQ(free.body.size(), 2u);
  const std::string slot_id = free.body[0]["id"];

  const auto booked = call(patient_a, "POST", "/api/appointments", {{"slot_id", slot_id}});
  ASSERT_EQ(booked.status, 201u) << booked.body.dump();
  EXPECT_EQ(keys_of(booked.body), kAppointmentKeys);
  EXPECT_EQ(booked.body["starts_at"], "2031-03-04T09:00:00Z");
  EXPECT_EQ(booked.body["ends_at"], "2031-03-04T09:30:00Z");
  EXPECT_EQ(booked.body["status"], "booked");
  EXPECT_EQ(booked.body["patient"],
            json({{"id", patient_a_id}, {"display_name", "Alice Patient"}}));
  EXPECT_EQ(booked.body["clinician"],
            json({{"id", clinician_id}, {"display_name", "Dr Ada Clinician"}}));
  EXPECT_EQ(booked.header("Cache-Control"), "no-store");

  const auto again = call(patient_b, "POST", "/api/appointments", {{"slot_id", slot_id}});
  expect_error(again, 409, "conflict", "slot_id");
  EXPECT_EQ(again.body["error"]["message"],
            "slot_id: the slot is already booked; choose another slot");

  const auto still_free = call(patient_b, "GET", "/api/clinicians/" + clinician_id + "/slots");
  ASSERT_EQ(still_free.body.size(), 1u);
  EXPECT_NE(still_free.body[0]["id"], slot_id);
  const auto own_slots = call(clinician, "GET", "/api/availability");
  EXPECT_EQ(own_slots.body[0]["booked"], true);
  EXPECT_EQ(own_slots.body[1]["booked"], false);
}

TEST_F(SchedulingRoutesTest, AppointmentsVisibleToParticipantsOnly) {
  const auto slots = publish("2031-03-04T09:00:00Z", "2031-03-04T10:00:00Z", 30).body["slots"];
  const auto later = call(patient_a, "POST", "/api/appointments", {{"slot_id", slots[1]["id"]}});
  const auto sooner = call(patient_a, "POST", "/api/appointments", {{"slot_id", slots[0]["id"]}});
  ASSERT_EQ(later.status, 201u);
  ASSERT_EQ(sooner.status, 201u);

  const auto mine = call(patient_a, "GET", "/api/appointments");
  ASSERT_EQ(mine.status, 200u);
  ASSERT_EQ(mine.body.size(), 2u);
  EXPECT_EQ(mine.body[0]["id"], sooner.body["id"]);
  EXPECT_EQ(mine.body[1]["id"], later.body["id"]);
  EXPECT_EQ(call(clinician, "GET", "/api/appointments").body.size(), 2u);
  EXPECT_EQ(call(patient_b, "GET", "/api/appointments").body, json::array());

  const std::string id = sooner.body["id"];
  const auto read = call(clinician, "GET", "/api/appointments/" + id);
  ASSERT_EQ(read.status, 200u);
  EXPECT_EQ(read.body, sooner.body);
  expect_error(call(patient_b, "GET", "/api/appointments/" + id), 404, "not_found", "");
  expect_error(call(patient_a, "GET", "/api/appointments/" + crypto::new_uuid()), 404,
               "not_found", "");
}

TEST_F(SchedulingRoutesTest, SlotIdMustBeUuid) {
  expect_error(call(patient_a, "POST", "/api/appointments", {{"slot_id", "slot-1"}}), 400,
               "invalid_field", "slot_id");
  expect_error(call(patient_a, "POST", "/api/appointments", json::object()), 400,
               "invalid_field", "slot_id");
  expect_error(call(patient_a, "POST", "/api/appointments", {{"slot_id", crypto::new_uuid()}}),
               404, "not_found", "slot_id");
}

}  // namespace
}  // namespace telehealth::http
