#include "http/query.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace telehealth::http {
namespace {

// Runs `body` and returns the field of the invalid_field error it throws.
template <typename Body>
std::string field_of_error(Body body) {
  try {
    body();
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::invalid_field);
    return error.field();
  }
  ADD_FAILURE() << "no error thrown";
  return {};
}

TEST(QueryParameters, DecodesValues) {
  const QueryParameters query("event_type=auth.&from=2026-12-04T09%3A30%3A00Z&note=a+b",
                              {"event_type", "from", "note"});
  EXPECT_EQ(query.text("event_type"), "auth.");
  EXPECT_EQ(query.text("note"), "a b");
  ASSERT_TRUE(query.time("from"));
  EXPECT_EQ(core::format_rfc3339(*query.time("from")), "2026-12-04T09:30:00Z");
}

TEST(QueryParameters, TreatsEmptyAsAbsent) {
  const QueryParameters query("patient_id=&limit", {"patient_id", "limit"});
  EXPECT_FALSE(query.uuid("patient_id"));
  EXPECT_FALSE(query.integer("limit", 1, 10));
}

TEST(QueryParameters, RejectsUnknownNames) {
  EXPECT_EQ(field_of_error([] { QueryParameters("patient=1", {"patient_id"}); }), "patient");
}

TEST(QueryParameters, RejectsRepeatedNames) {
  EXPECT_EQ(field_of_error([] { QueryParameters("limit=1&limit=2", {"limit"}); }), "limit");
}

TEST(QueryParameters, RejectsBrokenEscapes) {
  EXPECT_EQ(field_of_error([] { QueryParameters("limit=%4", {"limit"}); }), "limit");
  EXPECT_EQ(field_of_error([] { QueryParameters("limit=%zz", {"limit"}); }), "limit");
  EXPECT_EQ(field_of_error([] { QueryParameters("limit=%00", {"limit"}); }), "limit");
}

TEST(QueryParameters, ChecksTypedValues) {
  const QueryParameters query("a=not-a-uuid&b=yes&c=0&d=201&e=12x&f=yesterday",
                              {"a", "b", "c", "d", "e", "f"});
  EXPECT_EQ(field_of_error([&] { (void)query.uuid("a"); }), "a");
  EXPECT_EQ(field_of_error([&] { (void)query.boolean("b"); }), "b");
  EXPECT_EQ(field_of_error([&] { (void)query.integer("c", 1, 200); }), "c");
  EXPECT_EQ(field_of_error([&] { (void)query.integer("d", 1, 200); }), "d");
  EXPECT_EQ(field_of_error([&] { (void)query.integer("e", 1, 200); }), "e");
  EXPECT_EQ(field_of_error([&] { (void)query.time("f"); }), "f");
}

TEST(QueryParameters, CanonicalisesUuids) {
  const QueryParameters query("id=0B8E2F6C-51B1-4C1E-9A7D-3F0C2D4E5A6B", {"id"});
  EXPECT_EQ(query.uuid("id"), "0b8e2f6c-51b1-4c1e-9a7d-3f0c2d4e5a6b");
}

}  // namespace
}  // namespace telehealth::http
