#include "records/access_report.hpp"

#include <gtest/gtest.h>

namespace telehealth::records {
namespace {

TEST(AccessReportWords, DescribesKnownActions) {
  EXPECT_EQ(describe_action("records.read"), "Viewed your records");
  EXPECT_EQ(describe_action("timeline.read"), "Viewed your visit history");
  EXPECT_EQ(describe_action("message.send"), "Sent you a message");
  EXPECT_EQ(describe_action("admin.care_team_departure"),
            "Recorded that a clinician left your care team");
  EXPECT_EQ(describe_action("encounter.create"), "Wrote a consultation note");
  EXPECT_EQ(describe_action("encounter.sign"), "Signed a consultation note");
  EXPECT_EQ(describe_action("encounter.amend"), "Amended a consultation note");
  EXPECT_EQ(describe_action("consultation.join"), "Joined your video consultation");
  EXPECT_EQ(describe_action("break_glass.start"),
            "Started emergency (break-glass) access to your record");
}

TEST(AccessReportWords, FallsBackForNewEventTypes) {
  EXPECT_EQ(describe_action("messages.read"), "Accessed your record");
}

TEST(AccessReportWords, GivesBreakGlassReasonFirst) {
  EXPECT_EQ(describe_reason("records.read", std::string("clinician"),
                            std::string("patient_unable_to_consent")),
            "Emergency (break-glass) access: patient unable to consent");
}

TEST(AccessReportWords, GivesReasonByRole) {
  EXPECT_EQ(describe_reason("records.read", std::string("clinician"), std::nullopt),
            "Your clinician: you have an appointment with them");
  EXPECT_EQ(describe_reason("audit.search", std::string("auditor"), std::nullopt),
            "Compliance review of the access log");
  EXPECT_EQ(describe_reason("break_glass.search", std::string("clinician"), std::nullopt),
            "Preparing emergency (break-glass) access");
  EXPECT_EQ(describe_reason("records.read", std::nullopt, std::nullopt), "Access by the clinic");
}

}  // namespace
}  // namespace telehealth::records
