#include "records/note_content.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"

namespace telehealth::records {
namespace {

using nlohmann::json;

core::Error error_of(const json& body) {
  try {
    parse_note_sections(body);
  } catch (const core::Error& error) {
    return error;
  }
  ADD_FAILURE() << "no error for " << body.dump();
  return core::Error(core::ErrorKind::internal, "none");
}

core::Error amendment_error_of(const json& body) {
  try {
    parse_amendment(body);
  } catch (const core::Error& error) {
    return error;
  }
  ADD_FAILURE() << "no error for " << body.dump();
  return core::Error(core::ErrorKind::internal, "none");
}

NoteSignatureFacts example_facts() {
  NoteSignatureFacts facts;
  facts.encounter_id = "0b5f2c1e-7a3d-4c8e-9f10-2a3b4c5d6e7f";
  facts.patient_id = "11111111-2222-4333-8444-555555555555";
  facts.clinician_id = "66666666-7777-4888-9999-aaaaaaaaaaaa";
  facts.appointment_id = "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff";
  facts.version = 3;
  facts.signed_by = "66666666-7777-4888-9999-aaaaaaaaaaaa";
  facts.signed_at = core::parse_rfc3339("2031-03-03T08:00:00Z").value();
  return facts;
}

NoteSections example_sections() {
  NoteSections sections;
  sections.presenting_complaint = "Cough: 3 days";
  sections.examination = "Chest clear\nSats 98%";
  sections.assessment = "Viral URTI";
  sections.plan = "Fluids; review if worse";
  sections.free_text = "Caf\xC3\xA9 \xE2\x98\x95";
  return sections;
}

TEST(NoteSections, TrimmedAndOptional) {
  const auto sections = parse_note_sections(
      {{"presenting_complaint", "  Cough\n"}, {"plan", nullptr}, {"free_text", "\tRest "}});
  EXPECT_EQ(sections.presenting_complaint, "Cough");
  EXPECT_EQ(sections.history, "");
  EXPECT_EQ(sections.plan, "");
  EXPECT_EQ(sections.free_text, "Rest");
}

TEST(NoteSections, AllBlankNamesFirstSection) {
  const auto error = error_of({{"history", " \n "}, {"free_text", ""}});
  EXPECT_EQ(error.kind(), core::ErrorKind::unacceptable);
  EXPECT_EQ(error.field(), "presenting_complaint");
}

TEST(NoteSections, WrongTypeNamesField) {
  const auto error = error_of({{"assessment", 5}});
  EXPECT_EQ(error.kind(), core::ErrorKind::invalid_field);
  EXPECT_EQ(error.field(), "assessment");
}

TEST(NoteSections, LimitsCountCodePoints) {
  // 10 000 two-byte characters fit a section; one more does not.
  std::string at_limit;
  for (int i = 0; i < 10000; ++i) at_limit += "\xC3\xA9";
  EXPECT_NO_THROW(parse_note_sections({{"plan", at_limit}}));
  const auto error = error_of({{"plan", at_limit + "x"}});
  EXPECT_EQ(error.kind(), core::ErrorKind::unacceptable);
  EXPECT_EQ(error.field(), "plan");
  EXPECT_NO_THROW(parse_note_sections({{"free_text", std::string(20000, 'x')}}));
  EXPECT_EQ(error_of({{"free_text", std::string(20001, 'x')}}).field(), "free_text");
}

TEST(NoteSections, LegacyFieldNameInErrors) {
  NoteSections sections;
  sections.free_text = std::string(20001, 'x');
  try {
    check_sections(sections, "note", "note");
    ADD_FAILURE() << "no error";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.field(), "note");
  }
}

TEST(Amendment, TextAndReasonRequired) {
  EXPECT_EQ(amendment_error_of({{"reason", "lab result"}}).field(), "text");
  EXPECT_EQ(amendment_error_of({{"text", "K 4.1"}}).field(), "reason");
  const auto blank = amendment_error_of({{"text", "K 4.1"}, {"reason", "  "}});
  EXPECT_EQ(blank.kind(), core::ErrorKind::unacceptable);
  EXPECT_EQ(blank.field(), "reason");
  const auto parsed = parse_amendment({{"text", " K 4.1 "}, {"reason", "lab result\n"}});
  EXPECT_EQ(parsed.text, "K 4.1");
  EXPECT_EQ(parsed.reason, "lab result");
}

TEST(CanonicalEncoding, LengthPrefixedFields) {
  const auto encoding = canonical_note_encoding(example_facts(), example_sections());
  EXPECT_EQ(encoding.substr(0, 96),
            "telehealth-encounter-note-v1\n"
            "encounter_id:36:0b5f2c1e-7a3d-4c8e-9f10-2a3b4c5d6e7f\n"
            "patient_id:36:");
  EXPECT_NE(encoding.find("\nversion:1:3\n"), std::string::npos);
  EXPECT_NE(encoding.find("\nsigned_at:20:2031-03-03T08:00:00Z\n"), std::string::npos);
  EXPECT_NE(encoding.find("\nhistory:0:\n"), std::string::npos);
  EXPECT_NE(encoding.find("\nexamination:20:Chest clear\nSats 98%\n"), std::string::npos);
  // "Café ☕" is 6 characters but 9 UTF-8 bytes.
  EXPECT_NE(encoding.find("\nfree_text:9:Caf\xC3\xA9 \xE2\x98\x95\n"), std::string::npos);
}

TEST(CanonicalEncoding, DigestMatchesPythonHashlib) {
  // Expected value from Python's hashlib.sha256 over the same fields,
  // encoded by hand as the header documents.
  EXPECT_EQ(content_sha256_hex(canonical_note_encoding(example_facts(), example_sections())),
            "65e2222860a04252e150ec11bc16821cc6906ce57e0b0cf1243d2deda5e82866");
}

TEST(CanonicalEncoding, FieldBoundariesUnambiguous) {
  // Moving a line break from one section into the next changes the digest.
  auto first = example_sections();
  first.assessment = "Viral\nplan:3:abc";
  first.plan = "";
  auto second = example_sections();
  second.assessment = "Viral";
  second.plan = "abc";
  EXPECT_NE(canonical_note_encoding(example_facts(), first),
            canonical_note_encoding(example_facts(), second));
}

TEST(CanonicalEncoding, AmendmentBindsNoteDigest) {
  AmendmentSignatureFacts facts;
  facts.encounter_id = "0b5f2c1e-7a3d-4c8e-9f10-2a3b4c5d6e7f";
  facts.patient_id = "11111111-2222-4333-8444-555555555555";
  facts.note_sha256 = std::string(64, 'a');
  facts.version = 4;
  facts.author_id = "66666666-7777-4888-9999-aaaaaaaaaaaa";
  facts.created_at = core::parse_rfc3339("2031-03-03T09:00:00Z").value();
  const AmendmentContent amendment{"K 4.1", "lab result"};
  const auto encoding = canonical_amendment_encoding(facts, amendment);
  EXPECT_EQ(encoding.rfind("telehealth-encounter-amendment-v1\n", 0), 0u);
  EXPECT_NE(encoding.find("\nreason:10:lab result\ntext:5:K 4.1\n"), std::string::npos);
  auto other = facts;
  other.note_sha256 = std::string(64, 'b');
  EXPECT_NE(content_sha256_hex(encoding),
            content_sha256_hex(canonical_amendment_encoding(other, amendment)));
}

}  // namespace
}  // namespace telehealth::records
