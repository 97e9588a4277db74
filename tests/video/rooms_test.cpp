#include "video/rooms.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace telehealth::video {
namespace {

using identity::Role;

// Records what the rooms send, in place of a WebSocket connection.
class RecordingParticipant : public Participant {
 public:
  void deliver(std::string message) override { messages.push_back(std::move(message)); }
  void close() override { closed = true; }

  std::vector<std::string> messages;
  bool closed = false;
};

constexpr const char* kAppointment = "5b0e4f3a-9c1d-4e2f-8a7b-6c5d4e3f2a1b";

TEST(Rooms, AnnouncesPeersBothWays) {
  Rooms rooms;
  auto patient = std::make_shared<RecordingParticipant>();
  auto clinician = std::make_shared<RecordingParticipant>();
  rooms.join(kAppointment, Role::patient, patient, "session-p");
  EXPECT_TRUE(patient->messages.empty());

  rooms.join(kAppointment, Role::clinician, clinician, "session-c");
  ASSERT_EQ(patient->messages.size(), 1u);
  EXPECT_EQ(patient->messages[0], R"({"role":"clinician","type":"peer-joined"})");
  ASSERT_EQ(clinician->messages.size(), 1u);
  EXPECT_EQ(clinician->messages[0], R"({"role":"patient","type":"peer-joined"})");
}

TEST(Rooms, RelaysOnlyToOtherSide) {
  Rooms rooms;
  auto patient = std::make_shared<RecordingParticipant>();
  auto clinician = std::make_shared<RecordingParticipant>();
  rooms.join(kAppointment, Role::patient, patient, "session-p");
  rooms.join(kAppointment, Role::clinician, clinician, "session-c");

  rooms.relay(kAppointment, Role::clinician, "offer");
  EXPECT_EQ(patient->messages.back(), "offer");
  EXPECT_EQ(clinician->messages.size(), 1u);
}

TEST(Rooms, RejoinClosesEarlierConnection) {
  Rooms rooms;
  auto first = std::make_shared<RecordingParticipant>();
  auto second = std::make_shared<RecordingParticipant>();
  rooms.join(kAppointment, Role::patient, first, "session-1");
  rooms.join(kAppointment, Role::patient, second, "session-2");
  EXPECT_TRUE(first->closed);
  EXPECT_FALSE(second->closed);
}

TEST(Rooms, CloseSessionClosesItsConnectionsOnly) {
  Rooms rooms;
  auto patient = std::make_shared<RecordingParticipant>();
  auto clinician = std::make_shared<RecordingParticipant>();
  rooms.join(kAppointment, Role::patient, patient, "session-p");
  rooms.join(kAppointment, Role::clinician, clinician, "session-c");

  rooms.close_session("session-p");
  EXPECT_TRUE(patient->closed);
  EXPECT_FALSE(clinician->closed);
}

TEST(Rooms, LeaveTellsOtherSideAndEmptiesRoom) {
  Rooms rooms;
  auto patient = std::make_shared<RecordingParticipant>();
  auto clinician = std::make_shared<RecordingParticipant>();
  rooms.join(kAppointment, Role::patient, patient, "session-p");
  rooms.join(kAppointment, Role::clinician, clinician, "session-c");

  rooms.leave(kAppointment, Role::patient, patient.get());
  EXPECT_EQ(clinician->messages.back(), R"({"role":"patient","type":"peer-left"})");
  EXPECT_EQ(rooms.size(), 1u);
  rooms.leave(kAppointment, Role::clinician, clinician.get());
  EXPECT_EQ(rooms.size(), 0u);
}

}  // namespace
}  // namespace telehealth::video
