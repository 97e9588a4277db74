#include "records/prescription_order.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace telehealth::records {
namespace {

using nlohmann::json;

const Formulary& formulary() {
  static const auto loaded = Formulary::load(TELEHEALTH_FORMULARY_FILE);
  return loaded;
}

// Amoxicillin 500 mg capsules, one three times daily for five days.
json amoxicillin() {
  return {{"drug_code", "308191"}, {"dose", 1},       {"route", "oral"},
          {"frequency", "three_times_daily"},         {"duration_days", 5},
          {"quantity", 15},        {"repeats", 0},    {"instructions", "  With food.  "}};
}

core::Error error_of(const json& body) {
  try {
    parse_prescription_order(body, formulary());
  } catch (const core::Error& error) {
    return error;
  }
  ADD_FAILURE() << "expected a core::Error for " << body.dump();
  return core::Error(core::ErrorKind::internal, "no error thrown");
}

TEST(PrescriptionOrder, ValidOrderParsed) {
  const auto order = parse_prescription_order(amoxicillin(), formulary());
  EXPECT_EQ(order.drug_code, "308191");
  EXPECT_EQ(order.drug_system, kRxNormSystem);
  EXPECT_EQ(order.drug, "amoxicillin 500 MG Oral Capsule");
  EXPECT_EQ(order.form, "oral capsule");
  EXPECT_EQ(order.strength, "500 mg");
  EXPECT_EQ(order.dose, 1.0);
  EXPECT_EQ(order.dose_unit, "capsule");
  EXPECT_EQ(order.frequency, "three_times_daily");
  EXPECT_FALSE(order.as_needed);
  EXPECT_EQ(order.duration_days, 5);
  EXPECT_EQ(order.quantity, 15);
  EXPECT_EQ(order.supply_unit, "capsule");
  EXPECT_EQ(order.repeats, 0);
  EXPECT_EQ(order.instructions, "With food.");
}

TEST(PrescriptionOrder, JsonRoundTrip) {
  const auto order = parse_prescription_order(amoxicillin(), formulary());
  const auto back = order_from_json(to_json(order));
  EXPECT_EQ(to_json(back), to_json(order));
  EXPECT_THROW(order_from_json(json{{"drug_code", "308191"}}), core::Error);
}

struct RejectedCase {
  const char* name;
  json changes;  // merged into amoxicillin(); a null value removes the member
  core::ErrorKind kind;
  const char* field;
};

TEST(PrescriptionOrder, InvalidFieldsNamed) {
  const RejectedCase cases[] = {
      {"unknown drug", {{"drug_code", "1"}}, core::ErrorKind::unacceptable, "drug_code"},
      {"missing drug", {{"drug_code", nullptr}}, core::ErrorKind::unacceptable, "drug_code"},
      {"drug as number", {{"drug_code", 308191}}, core::ErrorKind::invalid_field, "drug_code"},
      {"route not allowed", {{"route", "topical"}}, core::ErrorKind::unacceptable, "route"},
      {"zero dose", {{"dose", 0}}, core::ErrorKind::unacceptable, "dose"},
      {"negative dose", {{"dose", -2}}, core::ErrorKind::unacceptable, "dose"},
      {"split capsule", {{"dose", 1.5}}, core::ErrorKind::unacceptable, "dose"},
      {"over max dose", {{"dose", 3}, {"quantity", 45}}, core::ErrorKind::unacceptable, "dose"},
      {"unknown frequency", {{"frequency", "hourly"}}, core::ErrorKind::unacceptable, "frequency"},
      {"missing frequency", {{"frequency", nullptr}}, core::ErrorKind::unacceptable, "frequency"},
      {"as_needed as text", {{"as_needed", "no"}}, core::ErrorKind::invalid_field, "as_needed"},
      {"zero days", {{"duration_days", 0}}, core::ErrorKind::unacceptable, "duration_days"},
      {"fractional days", {{"duration_days", 2.5}}, core::ErrorKind::invalid_field,
       "duration_days"},
      {"huge quantity", {{"quantity", 18446744073709551615ULL}}, core::ErrorKind::unacceptable,
       "quantity"},
      {"short quantity", {{"quantity", 14}}, core::ErrorKind::unacceptable, "quantity"},
      {"excess quantity", {{"quantity", 31}}, core::ErrorKind::unacceptable, "quantity"},
      {"negative repeats", {{"repeats", -1}}, core::ErrorKind::unacceptable, "repeats"},
      {"missing repeats", {{"repeats", nullptr}}, core::ErrorKind::unacceptable, "repeats"},
      {"long instructions", {{"instructions", std::string(501, 'x')}},
       core::ErrorKind::unacceptable, "instructions"},
  };
  for (const auto& rejected : cases) {
    SCOPED_TRACE(rejected.name);
    auto body = amoxicillin();
    body.merge_patch(rejected.changes);
    const auto error = error_of(body);
    EXPECT_EQ(error.kind(), rejected.kind);
    EXPECT_EQ(error.field(), rejected.field);
  }
}

TEST(PrescriptionOrder, MessagesOmitSubmittedValues) {
  auto body = amoxicillin();
  body["drug_code"] = "77777777";
  EXPECT_EQ(error_of(body).client_message(),
            "drug_code: is not in the formulary; choose a product from GET /api/formulary");

  body = amoxicillin();
  body["route"] = "topical";
  EXPECT_EQ(error_of(body).client_message(),
            "route: is not a route this product allows; use oral");

  body = amoxicillin();
  body["quantity"] = 14;
  EXPECT_EQ(error_of(body).client_message(),
            "quantity: is less than dose x frequency x duration needs; supply at least that many "
            "capsule units or shorten the duration");

  body = amoxicillin();
  body["dose"] = 1.5;
  EXPECT_EQ(error_of(body).client_message(),
            "dose: must be a whole multiple of 1 capsule for this product");
}

TEST(PrescriptionOrder, QuantityRuleCases) {
  const auto& capsules = *formulary().find("308191");
  const auto& inhaler = *formulary().find("745679");
  const auto& suspension = *formulary().find("311989");
  const auto& cream = *formulary().find("106258");

  EXPECT_EQ(needed_quantity(capsules, 1, *find_frequency("three_times_daily"), 5), 15);
  EXPECT_EQ(needed_quantity(capsules, 2, *find_frequency("every_4_hours"), 2), 24);
  EXPECT_EQ(needed_quantity(capsules, 1, *find_frequency("once_weekly"), 28), 4);
  // 3 days of a weekly dose still needs one capsule.
  EXPECT_EQ(needed_quantity(capsules, 1, *find_frequency("once_weekly"), 3), 1);
  // 2 x 4 x 30 = 240 actuations: two 200-actuation inhalers.
  EXPECT_EQ(needed_quantity(inhaler, 2, *find_frequency("four_times_daily"), 30), 2);
  EXPECT_EQ(needed_quantity(suspension, 2.5, *find_frequency("twice_daily"), 7), 35);
  EXPECT_EQ(needed_quantity(cream, 1, *find_frequency("twice_daily"), 7), std::nullopt);

  const auto& daily = *find_frequency("once_daily");
  EXPECT_NO_THROW(check_quantity(capsules, 1, daily, false, 10, 10));
  EXPECT_NO_THROW(check_quantity(capsules, 1, daily, false, 10, 20));
  EXPECT_THROW(check_quantity(capsules, 1, daily, false, 10, 9), core::Error);
  EXPECT_THROW(check_quantity(capsules, 1, daily, false, 10, 21), core::Error);
  EXPECT_NO_THROW(check_quantity(capsules, 1, daily, true, 10, 1));
  EXPECT_NO_THROW(check_quantity(capsules, 1, daily, true, 10, 10));
  EXPECT_THROW(check_quantity(capsules, 1, daily, true, 10, 11), core::Error);
  EXPECT_NO_THROW(check_quantity(cream, 1, daily, false, 10, 100));
  EXPECT_THROW(check_quantity(cream, 1, daily, false, 10, 101), core::Error);
  EXPECT_THROW(check_quantity(cream, 1, daily, false, 10, 0), core::Error);
}

}  // namespace
}  // namespace telehealth::records
