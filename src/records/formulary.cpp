#include "records/formulary.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace telehealth::records {

namespace {

using nlohmann::json;

// Upper bounds that catch a broken file, not clinical limits.
constexpr double kMaxDoseBound = 1000;
constexpr std::int64_t kMaxQuantityBound = 10000;

class EntryReader {
 public:
  EntryReader(const json& entry, std::string context)
      : entry_(entry), context_(std::move(context)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    throw std::runtime_error(context_ + ": " + field + ": " + problem);
  }

  std::string text(const std::string& field) const {
    const auto found = entry_.find(field);
    if (found == entry_.end() || !found->is_string() || found->get<std::string>().empty()) {
      fail(field, "is required and must be a non-empty string");
    }
    return found->get<std::string>();
  }

  double positive_number(const std::string& field, double max) const {
    const auto found = entry_.find(field);
    if (found == entry_.end() || !found->is_number()) {
      fail(field, "is required and must be a number");
    }
    const double value = found->get<double>();
    if (!(value > 0) || value > max) {
      fail(field, "must be greater than 0 and at most " + std::to_string(static_cast<int>(max)));
    }
    return value;
  }

  std::vector<std::string> routes() const {
    const auto found = entry_.find("routes");
    if (found == entry_.end() || !found->is_array() || found->empty()) {
      fail("routes", "is required and must be a non-empty array");
    }
    std::vector<std::string> routes;
    for (const auto& route : *found) {
      if (!route.is_string()) fail("routes", "must contain only strings");
      const auto value = route.get<std::string>();
      if (std::find(kRoutesOfAdministration.begin(), kRoutesOfAdministration.end(), value) ==
          kRoutesOfAdministration.end()) {
        fail("routes", "\"" + value + "\" is not a known route of administration");
      }
      routes.push_back(value);
    }
    return routes;
  }

  const json& entry() const noexcept { return entry_; }

 private:
  const json& entry_;
  std::string context_;
};

bool is_whole_multiple(double value, double step) {
  const double ratio = value / step;
  return std::fabs(ratio - std::round(ratio)) < 1e-9;
}

FormularyProduct read_product(const json& entry, const std::string& context) {
  if (!entry.is_object()) throw std::runtime_error(context + ": must be a JSON object");
  const EntryReader reader(entry, context);

  FormularyProduct product;
  product.code = reader.text("code");
  product.system = reader.text("system");
  if (product.system != kRxNormSystem) {
    reader.fail("system", "must be " + std::string(kRxNormSystem));
  }
  product.display = reader.text("display");
  product.name = reader.text("name");
  product.form = reader.text("form");
  product.strength = reader.text("strength");
  product.routes = reader.routes();
  product.dose_unit = reader.text("dose_unit");
  product.dose_step = reader.positive_number("dose_step", kMaxDoseBound);
  product.max_dose = reader.positive_number("max_dose", kMaxDoseBound);
  if (!is_whole_multiple(product.max_dose, product.dose_step)) {
    reader.fail("max_dose", "must be a whole multiple of dose_step");
  }
  product.supply_unit = reader.text("supply_unit");

  const auto per_supply = entry.find("doses_per_supply_unit");
  if (per_supply == entry.end()) {
    reader.fail("doses_per_supply_unit", "is required (a number, or null for a product such as a "
                                         "cream whose dose is not a measured amount)");
  }
  if (per_supply->is_null()) {
    const auto max_quantity = entry.find("max_quantity");
    if (max_quantity == entry.end() || !max_quantity->is_number_integer() ||
        max_quantity->get<std::int64_t>() < 1 ||
        max_quantity->get<std::int64_t>() > kMaxQuantityBound) {
      reader.fail("max_quantity", "is required when doses_per_supply_unit is null, and must be a "
                                  "whole number from 1 to " + std::to_string(kMaxQuantityBound));
    }
    product.max_quantity = max_quantity->get<std::int64_t>();
  } else {
    product.doses_per_supply_unit =
        reader.positive_number("doses_per_supply_unit", static_cast<double>(kMaxQuantityBound));
  }
  return product;
}

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_folded(std::string_view text, std::string_view prefix) noexcept {
  if (prefix.size() > text.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(text[i]) != lower(prefix[i])) return false;
  }
  return true;
}

// True when `text` or any word after a space, "(" or "/" starts with `prefix`.
bool any_word_starts_with(std::string_view text, std::string_view prefix) noexcept {
  for (std::size_t start = 0; start < text.size(); ++start) {
    const bool word_start = start == 0 || text[start - 1] == ' ' || text[start - 1] == '(' ||
                            text[start - 1] == '/';
    if (word_start && starts_with_folded(text.substr(start), prefix)) return true;
  }
  return false;
}

}  // namespace

bool FormularyProduct::allows_route(std::string_view route) const noexcept {
  return std::find(routes.begin(), routes.end(), route) != routes.end();
}

Formulary Formulary::from_json(const json& document, const std::string& source) {
  if (!document.is_object()) throw std::runtime_error(source + ": must be a JSON object");
  const auto products = document.find("products");
  if (products == document.end() || !products->is_array() || products->empty()) {
    throw std::runtime_error(source + ": products: is required and must be a non-empty array");
  }

  Formulary formulary;
  for (std::size_t index = 0; index < products->size(); ++index) {
    const auto& entry = (*products)[index];
    std::string context = source + ": products entry " + std::to_string(index + 1);
    if (entry.is_object() && entry.contains("code") && entry["code"].is_string()) {
      context += " (code " + entry["code"].get<std::string>() + ")";
    }
    auto product = read_product(entry, context);
    if (formulary.find(product.code) != nullptr) {
      throw std::runtime_error(context + ": code: appears more than once in the file");
    }
    formulary.products_.push_back(std::move(product));
  }
  return formulary;
}

Formulary Formulary::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw std::runtime_error("formulary " + file.string() +
                             ": cannot be opened; set \"formulary\" in the config to its path");
  }
  std::stringstream content;
  content << in.rdbuf();
  json document;
  try {
    document = json::parse(content.str());
  } catch (const json::parse_error& error) {
    // nlohmann's message names the line and column of the syntax error.
    throw std::runtime_error("formulary " + file.string() + ": invalid JSON: " + error.what());
  }
  return from_json(document, "formulary " + file.string());
}

const FormularyProduct* Formulary::find(std::string_view code) const noexcept {
  for (const auto& product : products_) {
    if (product.code == code) return &product;
  }
  return nullptr;
}

std::vector<const FormularyProduct*> Formulary::search(std::string_view prefix,
                                                       std::size_t limit) const {
  std::vector<const FormularyProduct*> matches;
  for (const auto& product : products_) {
    if (matches.size() >= limit) break;
    if (prefix.empty() || any_word_starts_with(product.name, prefix) ||
        any_word_starts_with(product.display, prefix)) {
      matches.push_back(&product);
    }
  }
  return matches;
}

json to_json(const FormularyProduct& product) {
  json out{{"code", product.code},
           {"system", product.system},
           {"display", product.display},
           {"name", product.name},
           {"form", product.form},
           {"strength", product.strength},
           {"routes", product.routes},
           {"dose_unit", product.dose_unit},
           {"dose_step", product.dose_step},
           {"max_dose", product.max_dose},
           {"supply_unit", product.supply_unit},
           {"doses_per_supply_unit", nullptr},
           {"max_quantity", nullptr}};
  if (product.doses_per_supply_unit) {
    out["doses_per_supply_unit"] = *product.doses_per_supply_unit;
  } else {
    out["max_quantity"] = product.max_quantity;
  }
  return out;
}

}  // namespace telehealth::records
