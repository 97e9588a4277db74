#include "audit/export.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "audit/review.hpp"

namespace telehealth::audit {
namespace {

using namespace std::chrono;

ReviewRow sample_row() {
  ReviewRow row;
  row.chain = "main";
  row.seq = 42;
  row.id = "5b0e4f3a-9c1d-4e2f-8a7b-6c5d4e3f2a1b";
  row.occurred_at = sys_days{2026y / December / 4} + 9h + 30min;
  row.event_type = "records.read";
  row.actor_id = "0b8e2f6c-51b1-4c1e-9a7d-3f0c2d4e5a6b";
  row.actor_role = "clinician";
  row.actor_display_name = "Dr Ada, \"Senior\"";
  row.outcome = "denied";
  row.denied = true;
  row.user_agent = "=HYPERLINK(\"http://example.invalid\")";
  row.result_ids = "a,b";
  return row;
}

TEST(CsvCell, LeavesPlainTextUnquoted) { EXPECT_EQ(csv_cell("records.read"), "records.read"); }

TEST(CsvCell, QuotesCommaQuoteAndLineBreaks) {
  EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_cell("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(csv_cell("cr\rlf"), "\"cr\rlf\"");
}

TEST(CsvCell, NeutralisesFormulaStarts) {
  EXPECT_EQ(csv_cell("=1+1"), "'=1+1");
  EXPECT_EQ(csv_cell("+1"), "'+1");
  EXPECT_EQ(csv_cell("-1"), "'-1");
  EXPECT_EQ(csv_cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_cell("\tx"), "'\tx");
  EXPECT_EQ(csv_cell("\rx"), "\"'\rx\"");
  EXPECT_EQ(csv_cell("=A1,B1"), "\"'=A1,B1\"");
  EXPECT_EQ(csv_cell("a=b"), "a=b");
}

TEST(CsvLine, HasOneCellPerHeaderColumn) {
  const auto header = csv_header();
  const auto line = csv_line(sample_row());
  ASSERT_TRUE(header.ends_with("\r\n"));
  ASSERT_TRUE(line.ends_with("\r\n"));
  EXPECT_EQ(std::count(header.begin(), header.end(), ','), 18);
  EXPECT_NE(line.find("\"Dr Ada, \"\"Senior\"\"\""), std::string::npos);
  EXPECT_NE(line.find("\"'=HYPERLINK(\"\"http://example.invalid\"\")\""), std::string::npos);
  EXPECT_TRUE(line.ends_with(",true,denied\r\n"));
}

TEST(RowJson, CarriesEveryFieldAndFlags) {
  const auto json = row_json(sample_row());
  EXPECT_EQ(json.at("seq"), 42);
  EXPECT_EQ(json.at("occurred_at"), "2026-12-04T09:30:00Z");
  EXPECT_EQ(json.at("result_ids"), nlohmann::json::array({"a", "b"}));
  EXPECT_EQ(json.at("flagged"), true);
  EXPECT_EQ(json.at("flag_reasons"), nlohmann::json::array({"denied"}));
  EXPECT_TRUE(json.at("patient_id").is_null());
  EXPECT_EQ(json.size(), 19U);
}

TEST(ReviewCursor, RoundTrips) {
  const ReviewCursor cursor{false, EventKey{sys_days{2026y / December / 4} + 9h, "node-2", 17}};
  const auto text = encode_cursor(cursor);
  EXPECT_EQ(text, "r.1796374800.node-2.17");
  const auto decoded = decode_cursor(text);
  ASSERT_TRUE(decoded);
  EXPECT_FALSE(decoded->flagged_section);
  ASSERT_TRUE(decoded->after);
  EXPECT_EQ(decoded->after->occurred_at, cursor.after->occurred_at);
  EXPECT_EQ(decoded->after->chain, "node-2");
  EXPECT_EQ(decoded->after->seq, 17);
}

TEST(ReviewCursor, SectionStartHasNoKey) {
  const auto decoded = decode_cursor("f");
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(decoded->flagged_section);
  EXPECT_FALSE(decoded->after);
}

TEST(ReviewCursor, RejectsMalformedText) {
  for (const auto* text : {"", "x", "f.", "f.1", "f.1.main", "f.1.main.0", "f.-1.main.2",
                           "f.1.Main.2", "f.1..2", "f.a.main.2", "r.1.main.2x", "f1.main.2",
                           // past 9999-12-31T23:59:59Z, which PostgreSQL cannot store
                           "r.253402300800.main.2", "r.99999999999999999.main.2"}) {
    EXPECT_FALSE(decode_cursor(text)) << text;
  }
}

}  // namespace
}  // namespace telehealth::audit
