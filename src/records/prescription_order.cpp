#include "records/prescription_order.hpp"

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "records/text.hpp"

namespace telehealth::records {

namespace {

using nlohmann::json;

// A tolerance for floating-point dose arithmetic: doses are multiples of
// steps such as 0.5 mL, far coarser than this.
constexpr double kEpsilon = 1e-9;
// Relative: a dose within this fraction of a whole number of steps counts as
// that number, which absorbs only the rounding of one division.
constexpr double kStepTolerance = 1e-12;

const json* find_member(const json& body, const std::string& field) {
  const auto found = body.find(field);
  if (found == body.end() || found->is_null()) return nullptr;
  return &*found;
}

const json& require_member(const json& body, const std::string& field) {
  const json* found = find_member(body, field);
  if (found == nullptr) core::throw_unacceptable(field, "is required");
  return *found;
}

std::string read_text(const json& body, const std::string& field) {
  const json& value = require_member(body, field);
  if (!value.is_string()) core::throw_invalid_field(field, "must be a string");
  return value.get<std::string>();
}

double read_number(const json& body, const std::string& field) {
  const json& value = require_member(body, field);
  if (!value.is_number()) core::throw_invalid_field(field, "must be a number");
  return value.get<double>();
}

// Out-of-range values become min - 1 or max + 1, so that the caller's range
// check rejects them with its usual message.
std::int64_t read_whole(const json& body, const std::string& field, std::int64_t min,
                        std::int64_t max) {
  const json& value = require_member(body, field);
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    return number > static_cast<std::uint64_t>(max) ? max + 1 : static_cast<std::int64_t>(number);
  }
  if (value.is_number_integer()) {
    const auto number = value.get<std::int64_t>();
    return number < min ? min - 1 : number;
  }
  core::throw_invalid_field(field, "must be a whole number");
}

void check_range(const std::string& field, std::int64_t value, std::int64_t min,
                 std::int64_t max) {
  if (value < min || value > max) {
    core::throw_unacceptable(field, "must be a whole number from " + std::to_string(min) +
                                        " to " + std::to_string(max));
  }
}

std::string format_amount(double value) {
  if (std::fabs(value - std::round(value)) < kEpsilon) {
    return std::to_string(static_cast<std::int64_t>(std::llround(value)));
  }
  std::string text = std::to_string(value);
  while (!text.empty() && text.back() == '0') text.pop_back();
  return text;
}

const FormularyProduct& read_product(const json& body, const Formulary& formulary) {
  const auto code = read_text(body, "drug_code");
  const auto* product = formulary.find(code);
  if (product == nullptr) {
    core::throw_unacceptable("drug_code",
                             "is not in the formulary; choose a product from GET /api/formulary");
  }
  return *product;
}

double read_dose(const json& body, const FormularyProduct& product) {
  const double dose = read_number(body, "dose");
  if (!(dose > 0)) core::throw_unacceptable("dose", "must be greater than 0");
  if (dose > product.max_dose + kEpsilon) {
    core::throw_unacceptable("dose", "must be at most " + format_amount(product.max_dose) + " " +
                                         product.dose_unit + " for this product");
  }
  // At least one step, and a whole number of steps up to the rounding of the
  // division itself, so that 0.9999999999 capsules or 1e-12 applications
  // are rejected rather than stored as given.
  const double steps = dose / product.dose_step;
  const double whole = std::round(steps);
  if (whole < 1 || std::fabs(steps - whole) > kStepTolerance * whole) {
    core::throw_unacceptable("dose", "must be a whole multiple of " +
                                         format_amount(product.dose_step) + " " +
                                         product.dose_unit + " for this product");
  }
  return whole * product.dose_step;
}

std::string read_route(const json& body, const FormularyProduct& product) {
  auto route = read_text(body, "route");
  if (!product.allows_route(route)) {
    std::string allowed;
    for (const auto& value : product.routes) {
      if (!allowed.empty()) allowed += ", ";
      allowed += value;
    }
    core::throw_unacceptable("route", "is not a route this product allows; use " + allowed);
  }
  return route;
}

const Frequency& read_frequency(const json& body) {
  const auto code = read_text(body, "frequency");
  const auto* frequency = find_frequency(code);
  if (frequency == nullptr) {
    std::string codes;
    for (const auto& known : kFrequencies) {
      if (!codes.empty()) codes += ", ";
      codes += known.code;
    }
    core::throw_unacceptable("frequency", "must be one of: " + codes);
  }
  return *frequency;
}

bool read_as_needed(const json& body) {
  const json* value = find_member(body, "as_needed");
  if (value == nullptr) return false;
  if (!value->is_boolean()) core::throw_invalid_field("as_needed", "must be true or false");
  return value->get<bool>();
}

std::string read_instructions(const json& body) {
  const json* value = find_member(body, "instructions");
  if (value == nullptr) return {};
  if (!value->is_string()) core::throw_invalid_field("instructions", "must be a string");
  const auto trimmed = trim(value->get_ref<const std::string&>());
  // As in notes: a NUL would cut the text in tools that read the record.
  if (trimmed.find('\0') != std::string_view::npos) {
    core::throw_invalid_field("instructions", "must not contain NUL characters");
  }
  if (count_characters(trimmed) > kMaxInstructionsCharacters) {
    core::throw_unacceptable("instructions", "must be at most " +
                                                 std::to_string(kMaxInstructionsCharacters) +
                                                 " characters");
  }
  return std::string(trimmed);
}

}  // namespace

const Frequency* find_frequency(std::string_view code) noexcept {
  for (const auto& frequency : kFrequencies) {
    if (frequency.code == code) return &frequency;
  }
  return nullptr;
}

std::optional<std::int64_t> needed_quantity(const FormularyProduct& product, double dose,
                                            const Frequency& frequency,
                                            std::int64_t duration_days) {
  if (!product.doses_per_supply_unit) return std::nullopt;
  const double dose_units = dose * frequency.per_week * static_cast<double>(duration_days) / 7.0;
  const double supply_units = dose_units / *product.doses_per_supply_unit;
  return static_cast<std::int64_t>(std::ceil(supply_units - kEpsilon));
}

void check_quantity(const FormularyProduct& product, double dose, const Frequency& frequency,
                    bool as_needed, std::int64_t duration_days, std::int64_t quantity) {
  if (quantity < 1) core::throw_unacceptable("quantity", "must be at least 1");
  const auto needed = needed_quantity(product, dose, frequency, duration_days);
  if (!needed) {
    if (quantity > product.max_quantity) {
      core::throw_unacceptable("quantity", "must be at most " +
                                               std::to_string(product.max_quantity) + " " +
                                               product.supply_unit + " for this product");
    }
    return;
  }
  const std::int64_t most = as_needed ? *needed : 2 * *needed;
  if (!as_needed && quantity < *needed) {
    core::throw_unacceptable("quantity", "is less than dose x frequency x duration needs; supply "
                                         "at least that many " + product.supply_unit +
                                         " units or shorten the duration");
  }
  if (quantity > most) {
    core::throw_unacceptable(
        "quantity", as_needed
                        ? "is more than the most that dose x frequency x duration allows for an "
                          "as-needed prescription; lower it or lengthen the duration"
                        : "is more than twice what dose x frequency x duration needs; lower it "
                          "or lengthen the duration");
  }
}

PrescriptionOrder parse_prescription_order(const json& body, const Formulary& formulary) {
  if (!body.is_object()) core::throw_invalid_field("prescription", "must be a JSON object");

  const FormularyProduct& product = read_product(body, formulary);
  PrescriptionOrder order;
  order.drug_code = product.code;
  order.drug_system = product.system;
  order.drug = product.display;
  order.form = product.form;
  order.strength = product.strength;
  order.dose_unit = product.dose_unit;
  order.supply_unit = product.supply_unit;

  order.dose = read_dose(body, product);
  order.route = read_route(body, product);
  const Frequency& frequency = read_frequency(body);
  order.frequency = std::string(frequency.code);
  order.as_needed = read_as_needed(body);
  order.duration_days = read_whole(body, "duration_days", 1, kMaxDurationDays);
  check_range("duration_days", order.duration_days, 1, kMaxDurationDays);
  order.quantity = read_whole(body, "quantity", 1, kMaxQuantity);
  check_range("quantity", order.quantity, 1, kMaxQuantity);
  order.repeats = read_whole(body, "repeats", 0, kMaxRepeats);
  check_range("repeats", order.repeats, 0, kMaxRepeats);
  order.instructions = read_instructions(body);

  check_quantity(product, order.dose, frequency, order.as_needed, order.duration_days,
                 order.quantity);
  return order;
}

json to_json(const PrescriptionOrder& order) {
  return json{{"drug_code", order.drug_code},     {"drug_system", order.drug_system},
              {"drug", order.drug},               {"form", order.form},
              {"strength", order.strength},       {"dose", order.dose},
              {"dose_unit", order.dose_unit},     {"route", order.route},
              {"frequency", order.frequency},     {"as_needed", order.as_needed},
              {"duration_days", order.duration_days}, {"quantity", order.quantity},
              {"supply_unit", order.supply_unit}, {"repeats", order.repeats},
              {"instructions", order.instructions}};
}

PrescriptionOrder order_from_json(const json& value) {
  try {
    PrescriptionOrder order;
    order.drug_code = value.at("drug_code").get<std::string>();
    order.drug_system = value.at("drug_system").get<std::string>();
    order.drug = value.at("drug").get<std::string>();
    order.form = value.at("form").get<std::string>();
    order.strength = value.at("strength").get<std::string>();
    order.dose = value.at("dose").get<double>();
    order.dose_unit = value.at("dose_unit").get<std::string>();
    order.route = value.at("route").get<std::string>();
    order.frequency = value.at("frequency").get<std::string>();
    order.as_needed = value.at("as_needed").get<bool>();
    order.duration_days = value.at("duration_days").get<std::int64_t>();
    order.quantity = value.at("quantity").get<std::int64_t>();
    order.supply_unit = value.at("supply_unit").get<std::string>();
    order.repeats = value.at("repeats").get<std::int64_t>();
    order.instructions = value.at("instructions").get<std::string>();
    return order;
  } catch (const json::exception& error) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      std::string("stored prescription order is not valid: ") + error.what());
  }
}

}  // namespace telehealth::records
