#include "http/routes/messaging_routes.hpp"

#include <gtest/gtest.h>

#include "crypto/random.hpp"
#include "http/routes/records_routes.hpp"
#include "http/routes/scheduling_routes.hpp"
#include "support/api_harness.hpp"

namespace telehealth::http {
namespace {

using nlohmann::json;

class MessagingRoutesTest : public test::ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    add_scheduling_routes(router(), services());
    add_records_routes(router(), services());
    add_messaging_routes(router(), services());

    clinician_id = add_user("clinician", "Dr Ada Clinician");
    patient_id = add_user("patient", "Pat Messages");
    clinician = sign_in(clinician_id);
    patient = sign_in(patient_id);
    book("2031-03-04T09:00:00Z", "2031-03-04T09:30:00Z");

    const auto opened =
        call(patient, "POST", "/api/patients/" + patient_id + "/threads/" + clinician_id);
    ASSERT_EQ(opened.status, 201u) << opened.body.dump();
    thread_id = opened.body["id"];
  }

  void book(const std::string& starts_at, const std::string& ends_at) {
    const auto published = call(clinician, "POST", "/api/availability",
                                {{"starts_at", starts_at}, {"ends_at", ends_at}, {"slot_minutes", 30}});
    ASSERT_EQ(published.status, 201u) << published.body.dump();
    const auto booked = call(patient, "POST", "/api/appointments",
                             {{"slot_id", published.body["slots"][0]["id"]}});
    ASSERT_EQ(booked.status, 201u) << booked.body.dump();
  }

  std::string messages_path() const { return "/api/threads/" + thread_id + "/messages"; }

  std::int64_t count(std::string_view sql, const db::Params& params = {}) {
    return database().exec_as_superuser(sql, params).integer(0, 0);
  }

  std::string clinician_id, patient_id, clinician, patient, thread_id;
};

TEST_F(MessagingRoutesTest, SentMessageReadBack) {
  const auto sent = call(patient, "POST", messages_path(), {{"body", "  Rash is fading.\n"}});
  ASSERT_EQ(sent.status, 201u) << sent.body.dump();
  EXPECT_EQ(sent.body["body"], "Rash is fading.");
  EXPECT_EQ(sent.body["created_at"], "2031-03-03T08:00:00Z");
  EXPECT_EQ(sent.body["key_version"], 1);

  const auto page = call(clinician, "GET", messages_path());
  ASSERT_EQ(page.status, 200u) << page.body.dump();
  ASSERT_EQ(page.body["messages"].size(), 1u);
  EXPECT_EQ(page.body["messages"][0]["body"], "Rash is fading.");
  EXPECT_EQ(page.body["messages"][0]["unreadable"], false);
  EXPECT_EQ(page.body["thread"]["unread"], 1);
  EXPECT_EQ(count("SELECT count(*) FROM notification_outbox WHERE recipient_id = $1"
                  " AND text = 'You have a new message'",
                  {clinician_id}),
            1);
}

TEST_F(MessagingRoutesTest, BodyMovedToOtherRowUnreadable) {
  const auto sent = call(patient, "POST", messages_path(), {{"body", "Private detail"}});
  ASSERT_EQ(sent.status, 201u);
  const auto copy_id = crypto::new_uuid();
  database().exec_as_superuser(
      "INSERT INTO messages (id, thread_id, sender_id, key_version, body_sealed)"
      " SELECT $1, thread_id, sender_id, key_version, body_sealed FROM messages WHERE id = $2",
      {copy_id, sent.body["id"].get<std::string>()});

  const auto page = call(clinician, "GET", messages_path());
  ASSERT_EQ(page.status, 200u);
  ASSERT_EQ(page.body["messages"].size(), 2u);
  EXPECT_EQ(page.body["messages"][0]["body"], "Private detail");
  EXPECT_EQ(page.body["messages"][1]["id"], copy_id);
  EXPECT_TRUE(page.body["messages"][1]["body"].is_null());
  EXPECT_EQ(page.body["messages"][1]["unreadable"], true);
}

TEST_F(MessagingRoutesTest, RotationKeepsOldVersionsReadable) {
  ASSERT_EQ(call(patient, "POST", messages_path(), {{"body", "one"}}).status, 201u);
  const auto rotated = call(clinician, "POST", "/api/threads/" + thread_id + "/key-rotations");
  ASSERT_EQ(rotated.status, 201u) << rotated.body.dump();
  EXPECT_EQ(rotated.body["key_version"], 2);
  const auto second = call(patient, "POST", messages_path(), {{"body", "two"}});
  EXPECT_EQ(second.body["key_version"], 2);

  const auto page = call(patient, "GET", messages_path());
  ASSERT_EQ(page.body["messages"].size(), 2u);
  EXPECT_EQ(page.body["messages"][0]["body"], "one");
  EXPECT_EQ(page.body["messages"][0]["key_version"], 1);
  EXPECT_EQ(page.body["messages"][1]["body"], "two");
  EXPECT_EQ(count("SELECT count(*) FROM message_thread_keys WHERE thread_id = $1", {thread_id}), 2);
}

TEST_F(MessagingRoutesTest, DepartureEndsAccessUntilNewBooking) {
  const auto admin_id = add_user("admin", "Ad Min");
  database().exec_as_superuser(
      "INSERT INTO care_team_departures (id, patient_id, clinician_id, recorded_by, departed_at)"
      " VALUES ($1, $2, $3, $4, '2031-03-03T08:00:00Z')",
      {crypto::new_uuid(), patient_id, clinician_id, admin_id});

  const auto refused = call(clinician, "GET", messages_path());
  EXPECT_EQ(refused.status, 404u) << refused.body.dump();
  EXPECT_EQ(call(clinician, "GET", "/api/patients/" + patient_id + "/records").status, 404u);
  EXPECT_EQ(call(patient, "POST", messages_path(), {{"body", "hello?"}}).status, 409u);
  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE actor_id = $1 AND event_type ="
                  " 'thread.read' AND outcome = 'denied'",
                  {clinician_id}),
            1);

  // A booking after the departure makes the clinician a treating one again;
  // one in the same second would not.
  clock().set(core::parse_rfc3339("2031-03-03T08:00:01Z").value());
  book("2031-03-05T09:00:00Z", "2031-03-05T09:30:00Z");
  EXPECT_EQ(call(clinician, "GET", messages_path()).status, 200u);
}

TEST_F(MessagingRoutesTest, MessagesAreAppendOnly) {
  ASSERT_EQ(call(patient, "POST", messages_path(), {{"body", "keep me"}}).status, 201u);
  EXPECT_THROW(app().exec("UPDATE messages SET key_version = 1"), std::exception);
  EXPECT_THROW(app().exec("DELETE FROM messages"), std::exception);
  // The trigger stops even the owner.
  db::Connection owner(database().owner_dsn());
  EXPECT_THROW(owner.exec("DELETE FROM messages"), std::exception);
  EXPECT_THROW(owner.exec("UPDATE message_thread_keys SET kek_version = 9"), std::exception);
  EXPECT_THROW(owner.exec("TRUNCATE messages CASCADE"), std::exception);
  // Replica mode, which skips ordinary triggers, does not skip these.
  database().exec_as_superuser("SET session_replication_role = replica");
  EXPECT_THROW(database().exec_as_superuser("DELETE FROM messages"), std::exception);
  database().exec_as_superuser("SET session_replication_role = origin");
  EXPECT_EQ(count("SELECT count(*) FROM messages"), 1);
}

TEST_F(MessagingRoutesTest, DisallowedAttachmentTypeStoresNothing) {
  // Field checks run before anything is stored.
  const auto reply = call(patient, "POST", "/api/threads/" + thread_id + "/attachments",
                          {{"filename", "x.exe"}, {"content_type", "application/x-msdownload"},
                           {"data", "TVo="}});
  EXPECT_EQ(reply.status, 422u);
  EXPECT_EQ(reply.body["error"]["field"], "content_type");
  EXPECT_EQ(count("SELECT count(*) FROM message_attachments"), 0);
}

}  // namespace
}  // namespace telehealth::http
