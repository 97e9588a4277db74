#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace telehealth::records {

/// The order of a prescription: every field of docs/api.md except the ids
/// and the clinician. prescriptions.content_sealed contains it as JSON.
struct PrescriptionContent {
  std::string drug;       // "amoxicillin"
  std::string strength;   // "500 mg"
  std::string form;       // one of kDosageForms
  std::string dose;       // "1 capsule"
  std::string route;      // one of kRoutesOfAdministration
  std::string frequency;  // "three times a day"
  std::int64_t quantity = 0;  // units to supply
};

inline constexpr std::array<std::string_view, 6> kDosageForms = {
    "tablet", "capsule", "oral solution", "inhaler", "cream", "injection"};

inline constexpr std::array<std::string_view, 6> kRoutesOfAdministration = {
    "oral", "inhalation", "topical", "subcutaneous", "intramuscular", "intravenous"};

/// Maximum length of drug, strength, dose and frequency, in characters.
inline constexpr std::size_t kMaxPrescriptionTextCharacters = 200;
inline constexpr std::int64_t kMaxQuantity = 10000;

/// Returns true when `route` is a route by which dosage `form` is given:
/// tablets, capsules and oral solutions by mouth, inhalers by inhalation,
/// creams on the skin, and injections subcutaneously, intramuscularly or
/// intravenously. Returns false for an unknown form or route.
bool route_suits_form(std::string_view form, std::string_view route) noexcept;

/// Reads and validates the prescription fields of a request body, and
/// ignores other members such as appointment_id. Text fields are returned
/// without leading and trailing whitespace.
///
/// Checks every field's presence and type first, and throws invalid_field
/// (400) for the first one that is missing or is not a string (for quantity,
/// not an integer). Then it checks values in field order and throws unacceptable (422)
/// for a blank or over-long text, an unknown form or route, a route that does
/// not suit the form (field route), or a quantity outside 1..10000. Messages
/// never repeat the submitted values, because prescriptions are PHI.
PrescriptionContent parse_prescription(const nlohmann::json& body);

/// Returns the JSON object that parse_prescription reads back.
nlohmann::json to_json(const PrescriptionContent& content);

}  // namespace telehealth::records
