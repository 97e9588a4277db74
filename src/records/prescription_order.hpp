#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "records/formulary.hpp"

// A coded prescription: a formulary product with a structured dose,
// frequency and supply. prescriptions.content_sealed and each version row
// hold it as JSON (see to_json); rows written before migration 013 hold the
// free-text PrescriptionContent instead.

namespace telehealth::records {

/// A fixed dosing frequency and how many administrations it means per week.
struct Frequency {
  std::string_view code;   // "three_times_daily"
  std::string_view label;  // "three times daily"
  int per_week;            // 21
};

inline constexpr Frequency kFrequencies[] = {
    {"once_daily", "once daily", 7},
    {"twice_daily", "twice daily", 14},
    {"three_times_daily", "three times daily", 21},
    {"four_times_daily", "four times daily", 28},
    {"every_4_hours", "every 4 hours", 42},
    {"every_6_hours", "every 6 hours", 28},
    {"every_8_hours", "every 8 hours", 21},
    {"every_12_hours", "every 12 hours", 14},
    {"at_night", "at night", 7},
    {"once_weekly", "once weekly", 1},
};

/// Returns the frequency with this code, or nullptr.
const Frequency* find_frequency(std::string_view code) noexcept;

inline constexpr std::int64_t kMaxDurationDays = 365;
inline constexpr std::int64_t kMaxRepeats = 12;
inline constexpr std::size_t kMaxInstructionsCharacters = 500;

struct PrescriptionOrder {
  std::string drug_code;    // RXCUI of the formulary product
  std::string drug_system;  // kRxNormSystem
  std::string drug;         // the product's display name when prescribed
  std::string form;         // the product's dose form
  std::string strength;     // the product's strength
  double dose = 0;          // amount per administration, in dose_unit
  std::string dose_unit;
  std::string route;        // one of the product's routes
  std::string frequency;    // a kFrequencies code
  bool as_needed = false;   // frequency is then the most often it may be taken
  std::int64_t duration_days = 0;
  std::int64_t quantity = 0;  // in supply_unit
  std::string supply_unit;
  std::int64_t repeats = 0;
  std::string instructions;  // free text for the patient; may be empty
};

/// Reads and validates a coded prescription from a request body against
/// `formulary`, ignoring other members such as appointment_id.
///
/// Throws invalid_field (400) for a member of the wrong JSON type, and
/// unacceptable (422) naming the field for a missing member, an unknown
/// drug_code, a route the product does not allow, a dose that is not a
/// positive multiple of the product's dose_step up to its max_dose, an
/// unknown frequency, a duration outside 1..365 days, repeats outside 0..12,
/// over-long instructions, or a quantity that does not fit the rule of
/// check_quantity. Messages never repeat the submitted values.
PrescriptionOrder parse_prescription_order(const nlohmann::json& body, const Formulary& formulary);

/// The quantity rule, for a product whose doses_per_supply_unit is set:
/// needed = ceil(dose x administrations per day x duration_days /
/// doses_per_supply_unit). A regular prescription must supply from needed to
/// 2 x needed (room to round up to a pack); an as-needed one from 1 to
/// needed, because its frequency is a maximum. For a product without
/// doses_per_supply_unit (a cream) the quantity must be from 1 to the
/// product's max_quantity. Throws unacceptable (field quantity) otherwise.
void check_quantity(const FormularyProduct& product, double dose, const Frequency& frequency,
                    bool as_needed, std::int64_t duration_days, std::int64_t quantity);

/// Returns the supply units that dose x frequency x duration needs, or
/// nullopt for a product without doses_per_supply_unit.
std::optional<std::int64_t> needed_quantity(const FormularyProduct& product, double dose,
                                            const Frequency& frequency,
                                            std::int64_t duration_days);

nlohmann::json to_json(const PrescriptionOrder& order);

/// Reads an order that to_json wrote. Throws core::Error (internal) if the
/// JSON is not one, because stored content is trusted only once it parses.
PrescriptionOrder order_from_json(const nlohmann::json& json);

}  // namespace telehealth::records
