#include "records/formulary.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

namespace telehealth::records {
namespace {

using nlohmann::json;

json amoxicillin_entry() {
  return json::parse(R"({"code": "308191",
    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
    "display": "amoxicillin 500 MG Oral Capsule", "name": "amoxicillin",
    "form": "oral capsule", "strength": "500 mg", "routes": ["oral"],
    "dose_unit": "capsule", "dose_step": 1, "max_dose": 2,
    "supply_unit": "capsule", "doses_per_supply_unit": 1})");
}

std::string load_error(const json& document) {
  try {
    Formulary::from_json(document, "test");
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "no error";
}

TEST(Formulary, ShippedFileLoads) {
  const auto formulary = Formulary::load(TELEHEALTH_FORMULARY_FILE);
  ASSERT_EQ(formulary.products().size(), 33u);

  std::set<std::string> codes;
  for (const auto& product : formulary.products()) {
    codes.insert(product.code);
    EXPECT_EQ(product.system, kRxNormSystem) << product.code;
  }
  EXPECT_EQ(codes.size(), 33u);

  const auto* capsule = formulary.find("308191");
  ASSERT_NE(capsule, nullptr);
  EXPECT_EQ(capsule->display, "amoxicillin 500 MG Oral Capsule");
  EXPECT_EQ(capsule->routes, std::vector<std::string>{"oral"});
  EXPECT_TRUE(capsule->allows_route("oral"));
  EXPECT_FALSE(capsule->allows_route("inhalation"));

  const auto* inhaler = formulary.find("745679");
  ASSERT_NE(inhaler, nullptr);
  EXPECT_EQ(inhaler->dose_unit, "actuation");
  EXPECT_EQ(inhaler->doses_per_supply_unit, 200.0);

  const auto* cream = formulary.find("106258");
  ASSERT_NE(cream, nullptr);
  EXPECT_FALSE(cream->doses_per_supply_unit.has_value());
  EXPECT_EQ(cream->max_quantity, 100);
}

TEST(Formulary, SearchMatchesWordPrefixes) {
  const auto formulary = Formulary::load(TELEHEALTH_FORMULARY_FILE);
  std::vector<std::string> codes;
  for (const auto* product : formulary.search("AMOX", 10)) codes.push_back(product->code);
  EXPECT_EQ(codes, (std::vector<std::string>{"308182", "308191", "308192"}));

  codes.clear();
  for (const auto* product : formulary.search("paracetamol", 10)) codes.push_back(product->code);
  EXPECT_EQ(codes, (std::vector<std::string>{"198440", "313782"}));

  EXPECT_EQ(formulary.search("moxicillin", 10).size(), 0u);
  EXPECT_EQ(formulary.search("", 5).size(), 5u);
}

TEST(Formulary, InvalidEntryNamed) {
  EXPECT_EQ(load_error({{"products", {amoxicillin_entry(), amoxicillin_entry()}}}),
            "test: products entry 2 (code 308191): code: appears more than once in the file");

  auto entry = amoxicillin_entry();
  entry.erase("name");
  entry["code"] = "198440";
  EXPECT_EQ(load_error({{"products", {amoxicillin_entry(), entry}}}),
            "test: products entry 2 (code 198440): name: is required and must be a non-empty "
            "string");
}

TEST(Formulary, FieldRulesEnforced) {
  auto unknown_route = amoxicillin_entry();
  unknown_route["routes"] = {"oral", "nasal"};
  EXPECT_EQ(load_error({{"products", {unknown_route}}}),
            "test: products entry 1 (code 308191): routes: \"nasal\" is not a known route of "
            "administration");

  auto no_routes = amoxicillin_entry();
  no_routes["routes"] = json::array();
  EXPECT_EQ(load_error({{"products", {no_routes}}}),
            "test: products entry 1 (code 308191): routes: is required and must be a non-empty "
            "array");

  auto other_system = amoxicillin_entry();
  other_system["system"] = "https://dmd.nhs.uk";
  EXPECT_EQ(load_error({{"products", {other_system}}}),
            "test: products entry 1 (code 308191): system: must be "
            "http://www.nlm.nih.gov/research/umls/rxnorm");

  auto zero_step = amoxicillin_entry();
  zero_step["dose_step"] = 0;
  EXPECT_EQ(load_error({{"products", {zero_step}}}),
            "test: products entry 1 (code 308191): dose_step: must be greater than 0 and at "
            "most 1000");

  auto uneven_max = amoxicillin_entry();
  uneven_max["max_dose"] = 1.5;
  EXPECT_EQ(load_error({{"products", {uneven_max}}}),
            "test: products entry 1 (code 308191): max_dose: must be a whole multiple of "
            "dose_step");

  auto cream = amoxicillin_entry();
  cream["doses_per_supply_unit"] = nullptr;
  EXPECT_EQ(load_error({{"products", {cream}}}),
            "test: products entry 1 (code 308191): max_quantity: is required when "
            "doses_per_supply_unit is null, and must be a whole number from 1 to 10000");

  EXPECT_EQ(load_error({{"products", json::array()}}),
            "test: products: is required and must be a non-empty array");
  EXPECT_EQ(load_error({{"products", {5}}}), "test: products entry 1: must be a JSON object");
}

TEST(Formulary, SyntaxErrorNamesLine) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("th-formulary-" + crypto::hex_encode(crypto::random_bytes(8)) + ".json");
  {
    std::ofstream out(file);
    out << "{\n  \"products\": [\n    {\"code\": \"1\",}\n  ]\n}\n";
  }
  std::string message;
  try {
    Formulary::load(file);
  } catch (const std::runtime_error& error) {
    message = error.what();
  }
  std::filesystem::remove(file);
  EXPECT_EQ(message.rfind("formulary " + file.string() + ": invalid JSON: ", 0), 0u) << message;
  EXPECT_NE(message.find("line 3, column"), std::string::npos) << message;
}

TEST(Formulary, MissingFileNamed) {
  try {
    Formulary::load("/nonexistent/formulary.json");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "formulary /nonexistent/formulary.json: cannot be opened; set \"formulary\" in the "
              "config to its path");
  }
}

}  // namespace
}  // namespace telehealth::records
