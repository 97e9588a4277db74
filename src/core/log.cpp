#include "core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace telehealth::core {
namespace {

std::mutex& logger_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::shared_ptr<spdlog::logger> root_logger() {
  static const auto logger = [] {
    auto created = spdlog::stderr_logger_mt("telehealth");
    // The message is the rest of a JSON object produced by `log`, closing
    // brace included, so the pattern only opens it with the fields that spdlog supplies.
    created->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v)",
                         spdlog::pattern_time_type::utc);
    return created;
  }();
  return logger;
}

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return spdlog::level::debug;
    case LogLevel::info: return spdlog::level::info;
    case LogLevel::warn: return spdlog::level::warn;
    case LogLevel::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

void init_logging(std::string_view level) {
  std::lock_guard lock(logger_mutex());
  root_logger()->set_level(spdlog::level::from_str(std::string(level)));
  root_logger()->flush_on(spdlog::level::info);
}

void log(LogLevel level, std::string_view component, std::string_view message,
         const nlohmann::json& fields) {
  const auto logger = root_logger();
  const auto spd_level = to_spdlog(level);
  if (!logger->should_log(spd_level)) return;

  nlohmann::json line = fields.is_object() ? fields : nlohmann::json::object();
  line["component"] = component;
  line["message"] = message;
  std::string body = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // Drop the outer braces: the pattern supplies the opening one.
  body = body.substr(1);
  logger->log(spd_level, "{}", body);
}

}  // namespace telehealth::core
