#include "http/router.hpp"

#include <gtest/gtest.h>

#include <cctype>

namespace telehealth::http {
namespace {

constexpr const char* kPatient = "0b8e2f6c-51b1-4c1e-9a7d-3f0c2d4e5a6b";

Router make_router() {
  Router router;
  router.add({"GET", "/api/patients/{patient_id}/records", Access::verified, {}, true},
             [](Context&) { return no_content(); });
  router.add({"POST", "/api/appointments", Access::verified, {}, false},
             [](Context&) { return no_content(); });
  return router;
}

TEST(Router, MatchesPathParameter) {
  const auto router = make_router();
  const auto match = router.match("GET", std::string("/api/patients/") + kPatient + "/records");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->params.at("patient_id"), kPatient);
  EXPECT_TRUE(match->route->spec.phi);
}

TEST(Router, UppercaseParameterMadeCanonical) {
  const auto router = make_router();
  std::string upper = kPatient;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto match = router.match("GET", "/api/patients/" + upper + "/records");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->params.at("patient_id"), kPatient);
}

TEST(Router, RejectsNonUuidParameter) {
  const auto router = make_router();
  EXPECT_FALSE(router.match("GET", "/api/patients/1 OR 1=1/records"));
  EXPECT_FALSE(router.match("GET", "/api/patients/../records"));
}

TEST(Router, MethodMustMatch) {
  const auto router = make_router();
  EXPECT_FALSE(router.match("GET", "/api/appointments"));
  EXPECT_TRUE(router.match("POST", "/api/appointments"));
}

TEST(Router, ExtraSegmentsDoNotMatch) {
  const auto router = make_router();
  EXPECT_FALSE(router.match("POST", "/api/appointments/"));
  EXPECT_FALSE(router.match("POST", "/api/appointments/x"));
  EXPECT_FALSE(router.match("POST", "api/appointments"));
}

TEST(Uuid, AcceptsOnlyHyphenatedHex) {
  EXPECT_TRUE(is_uuid(kPatient));
  EXPECT_FALSE(is_uuid("0b8e2f6c51b14c1e9a7d3f0c2d4e5a6b"));
  EXPECT_FALSE(is_uuid("0b8e2f6c-51b1-4c1e-9a7d-3f0c2d4e5a6g"));
}

}  // namespace
}  // namespace telehealth::http
