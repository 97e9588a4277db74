#include "messaging/live.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace telehealth::messaging {
namespace {

class RecordingSubscriber final : public LiveSubscriber {
 public:
  void deliver(std::string message) override { delivered.push_back(std::move(message)); }
  void close() override { ++closed; }

  std::vector<std::string> delivered;
  int closed = 0;
};

TEST(LiveHubTest, PublishReachesOnlyThatUser) {
  LiveHub hub;
  auto patient = std::make_shared<RecordingSubscriber>();
  auto patient_second_tab = std::make_shared<RecordingSubscriber>();
  auto clinician = std::make_shared<RecordingSubscriber>();
  hub.subscribe("patient", patient, "session-a");
  hub.subscribe("patient", patient_second_tab, "session-b");
  hub.subscribe("clinician", clinician, "session-c");

  hub.publish("patient", R"({"type":"unread"})");

  EXPECT_EQ(patient->delivered, std::vector<std::string>{R"({"type":"unread"})"});
  EXPECT_EQ(patient_second_tab->delivered, std::vector<std::string>{R"({"type":"unread"})"});
  EXPECT_TRUE(clinician->delivered.empty());
}

TEST(LiveHubTest, UnsubscribedGetsNothing) {
  LiveHub hub;
  auto subscriber = std::make_shared<RecordingSubscriber>();
  hub.subscribe("patient", subscriber, "session-a");
  hub.unsubscribe("patient", subscriber.get());

  hub.publish("patient", "{}");

  EXPECT_TRUE(subscriber->delivered.empty());
  EXPECT_EQ(hub.connections("patient"), 0u);
}

TEST(LiveHubTest, CloseSessionClosesItsConnections) {
  LiveHub hub;
  auto ended = std::make_shared<RecordingSubscriber>();
  auto kept = std::make_shared<RecordingSubscriber>();
  hub.subscribe("patient", ended, "session-a");
  hub.subscribe("patient", kept, "session-b");

  hub.close_session("session-a");

  EXPECT_EQ(ended->closed, 1);
  EXPECT_EQ(kept->closed, 0);
}

}  // namespace
}  // namespace telehealth::messaging
