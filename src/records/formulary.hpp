#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "records/prescription.hpp"

// The products a clinician may prescribe, loaded once at start-up from the
// formulary file shipped in data/formulary/ (see its README for the source).
// A formulary product is reference data, not PHI.

namespace telehealth::records {

/// RxNorm's code system URI, as FHIR R4 names it.
inline constexpr std::string_view kRxNormSystem = "http://www.nlm.nih.gov/research/umls/rxnorm";

/// One prescribable product (an RxNorm clinical drug).
struct FormularyProduct {
  std::string code;      // RXCUI, "308191"
  std::string system;    // kRxNormSystem
  std::string display;   // RxNorm name, "amoxicillin 500 MG Oral Capsule"
  std::string name;      // ingredient as clinicians search for it, "amoxicillin"
  std::string form;      // dose form, "oral capsule"
  std::string strength;  // "500 mg"
  std::vector<std::string> routes;  // allowed routes, each one of kRoutesOfAdministration
  std::string dose_unit;  // what a dose is counted in: "capsule", "mL", "actuation"
  double dose_step = 1;   // a dose must be a whole multiple of this, in dose units
  double max_dose = 1;    // upper bound of one dose, in dose units, against typing errors
  std::string supply_unit;  // what the quantity is counted in: "capsule", "inhaler", "g"
  /// Dose units in one supply unit (200 actuations per inhaler), or nullopt
  /// where a dose is not a measured amount (a cream's application), and then
  /// the quantity is only bounded by max_quantity.
  std::optional<double> doses_per_supply_unit;
  std::int64_t max_quantity = 0;  // set only when doses_per_supply_unit is nullopt

  bool allows_route(std::string_view route) const noexcept;
};

class Formulary {
 public:
  /// Reads and checks the formulary file. Throws std::runtime_error naming
  /// the file and, for a JSON syntax error, its line and column, or for an
  /// invalid product, its entry number (from 1), its code and the field.
  static Formulary load(const std::filesystem::path& file);

  /// Checks a parsed document; `source` names it in error messages.
  static Formulary from_json(const nlohmann::json& document, const std::string& source);

  /// Returns the product with this code, or nullptr.
  const FormularyProduct* find(std::string_view code) const noexcept;

  /// Returns up to `limit` products, in file order, whose name or any word of
  /// whose display name starts with `prefix` (ASCII case-insensitive). An
  /// empty prefix matches every product.
  std::vector<const FormularyProduct*> search(std::string_view prefix, std::size_t limit) const;

  const std::vector<FormularyProduct>& products() const noexcept { return products_; }

 private:
  std::vector<FormularyProduct> products_;
};

/// The product as GET /api/formulary returns it.
nlohmann::json to_json(const FormularyProduct& product);

}  // namespace telehealth::records
