#include "db/connection.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstring>
#include <regex>

#include "core/error.hpp"
#include "db/sqlstate.hpp"

namespace telehealth::db {

namespace {

std::uint8_t hex_value(char c) {
  if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(c - 'A' + 10);
  throw core::Error(core::ErrorKind::internal, "internal error", {}, "invalid bytea hex digit");
}

}  // namespace

Param bytea_param(const std::vector<std::uint8_t>& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text = "\\x";
  text.reserve(2 + bytes.size() * 2);
  for (auto b : bytes) {
    text.push_back(digits[b >> 4]);
    text.push_back(digits[b & 0x0f]);
  }
  return text;
}

Result::Result(pg_result* result) : result_(result) {}
Result::~Result() {
  if (result_ != nullptr) PQclear(result_);
}
Result::Result(Result&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    if (result_ != nullptr) PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

int Result::rows() const { return PQntuples(result_); }
bool Result::is_null(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }

std::string_view Result::text(int row, int column) const {
  return {PQgetvalue(result_, row, column),
          static_cast<std::size_t>(PQgetlength(result_, row, column))};
}

std::optional<std::string> Result::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return std::string(text(row, column));
}

std::int64_t Result::integer(int row, int column) const {
  const auto value = text(row, column);
  std::int64_t out = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (error != std::errc{} || end != value.data() + value.size()) {
    throw core::Error(core::ErrorKind::internal, "internal error", {}, "column is not an integer");
  }
  return out;
}

bool Result::boolean(int row, int column) const { return text(row, column) == "t"; }

std::vector<std::uint8_t> Result::bytes(int row, int column) const {
  const auto value = text(row, column);
  if (value.size() < 2 || value[0] != '\\' || value[1] != 'x' || value.size() % 2 != 0) {
    throw core::Error(core::ErrorKind::internal, "internal error", {}, "bytea is not in hex format");
  }
  std::vector<std::uint8_t> out;
  out.reserve((value.size() - 2) / 2);
  for (std::size_t i = 2; i < value.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>((hex_value(value[i]) << 4) | hex_value(value[i + 1])));
  }
  return out;
}

core::Seconds Result::timestamp(int row, int column) const {
  const auto value = text(row, column);
  const auto parsed = core::parse_pg_timestamp(value);
  if (!parsed) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "unexpected timestamptz text: " + std::string(value));
  }
  return *parsed;
}

std::int64_t Result::affected() const {
  const char* count = PQcmdTuples(result_);
  return count[0] == '\0' ? 0 : std::strtoll(count, nullptr, 10);
}

Connection::Connection(const std::string& dsn) : conn_(PQconnectdb(dsn.c_str())) {
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    const std::string detail = conn_ != nullptr ? PQerrorMessage(conn_) : "out of memory";
    if (conn_ != nullptr) PQfinish(conn_);
    throw core::Error(core::ErrorKind::unavailable, "the database is unavailable; try again shortly",
                      {}, "connect to " + redact_dsn(dsn) + " failed: " + detail);
  }
  // Timestamps are exchanged in UTC text so that parse_pg_timestamp applies.
  exec_script("SET TIME ZONE 'UTC'");
}

Connection::~Connection() { PQfinish(conn_); }

Result Connection::exec(std::string_view sql, const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);

  const std::string statement(sql);
  Result result(PQexecParams(conn_, statement.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0));
  throw_if_failed(conn_, result);
  return result;
}

void Connection::exec_script(std::string_view sql) {
  const std::string script(sql);
  Result result(PQexec(conn_, script.c_str()));
  throw_if_failed(conn_, result);
}

bool Connection::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

std::string redact_dsn(std::string_view dsn) {
  static const std::regex password(R"(password\s*=\s*('([^'\\]|\\.)*'|\S+))");
  return std::regex_replace(std::string(dsn), password, "password=<redacted>");
}

}  // namespace telehealth::db
