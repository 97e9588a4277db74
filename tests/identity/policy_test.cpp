#include "identity/policy.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "identity/break_glass.hpp"

namespace telehealth::identity {
namespace {

struct Case {
  const char* name;
  AccessFacts facts;
  Decision expected;
};

// Every combination of facts that matters, with the decision the policy
// must reach: deny by default, break-glass only for clinicians.
const Case kCases[] = {
    {"patient own record", {Role::patient, true, false, false}, Decision::allow},
    {"patient other record", {Role::patient, false, false, false}, Decision::deny},
    {"patient with episode flag", {Role::patient, false, false, true}, Decision::deny},
    {"clinician treating", {Role::clinician, false, true, false}, Decision::allow},
    {"clinician treating and episode", {Role::clinician, false, true, true}, Decision::allow},
    {"clinician unrelated", {Role::clinician, false, false, false}, Decision::deny},
    {"clinician with episode", {Role::clinician, false, false, true}, Decision::allow_break_glass},
    {"admin", {Role::admin, false, false, false}, Decision::deny},
    {"admin own id", {Role::admin, true, false, false}, Decision::deny},
    {"admin with episode flag", {Role::admin, false, true, true}, Decision::deny},
    {"auditor", {Role::auditor, false, false, false}, Decision::deny},
    {"auditor with episode flag", {Role::auditor, false, true, true}, Decision::deny},
};

TEST(PolicyDecide, Table) {
  for (const auto& entry : kCases) {
    EXPECT_EQ(decide(entry.facts), entry.expected) << entry.name;
  }
}

TEST(BreakGlassJustification, AcceptsFourWords) {
  EXPECT_EQ(check_justification("  Unconscious in the emergency department  "),
            "Unconscious in the emergency department");
}

TEST(BreakGlassJustification, RejectsFewWords) {
  try {
    check_justification("emergency emergency emergency");
    FAIL() << "three words were accepted";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::invalid_field);
    EXPECT_EQ(error.field(), "justification");
  }
}

TEST(BreakGlassJustification, RejectsShortWords) {
  EXPECT_THROW(check_justification("a b c d e"), core::Error);
}

TEST(BreakGlassJustification, RejectsFiller) {
  // Found by a security review: single letters around one long run passed.
  EXPECT_THROW(check_justification("x x x xxxxxxxxxxxxxxxxxxxx"), core::Error);
  EXPECT_THROW(check_justification("urgent urgent urgent urgent urgent"), core::Error);
  EXPECT_THROW(check_justification("12 34 56 78 90 1234567890123"), core::Error);
}

TEST(BreakGlassJustification, RejectsOverLimit) {
  EXPECT_THROW(check_justification(std::string(kMaxJustificationChars + 1, 'x')), core::Error);
}

TEST(BreakGlassReasons, FixedList) {
  const auto reasons = break_glass_reasons();
  ASSERT_EQ(reasons.size(), 4u);
  EXPECT_STREQ(reasons[0], "emergency_treatment");
  EXPECT_STREQ(reasons[3], "clinical_safety_concern");
}

}  // namespace
}  // namespace telehealth::identity
