#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace telehealth::core {

enum class LogLevel { debug, info, warn, error };

/// Sets up JSON-lines logging to stderr: one object per line with time (UTC),
/// level, component and message, plus the fields passed to `log`.
void init_logging(std::string_view level);

/// Writes one log line. `fields` carries ids only (request_id, user_id,
/// patient_id, appointment_id): never names, note text, tokens or keys.
void log(LogLevel level, std::string_view component, std::string_view message,
         const nlohmann::json& fields = nlohmann::json::object());

}  // namespace telehealth::core
