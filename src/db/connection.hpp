#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

struct pg_conn;
struct pg_result;

namespace telehealth::db {

/// One statement parameter in libpq's text format; nullopt is SQL NULL.
/// Bytes go as bytea hex text (`\x...`), built by `bytea_param`.
using Param = std::optional<std::string>;
using Params = std::vector<Param>;

Param bytea_param(const std::vector<std::uint8_t>& bytes);

/// The rows of one statement. Values are read as text; `bytes` decodes a
/// bytea column.
class Result {
 public:
  explicit Result(pg_result* result);
  ~Result();
  Result(Result&&) noexcept;
  Result& operator=(Result&&) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  int rows() const;
  bool empty() const { return rows() == 0; }
  bool is_null(int row, int column) const;
  std::string_view text(int row, int column) const;
  std::optional<std::string> optional_text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  bool boolean(int row, int column) const;
  std::vector<std::uint8_t> bytes(int row, int column) const;
  /// Reads a timestamptz column (the connection runs in UTC); throws
  /// internal if PostgreSQL returned text that parse_pg_timestamp rejects.
  core::Seconds timestamp(int row, int column) const;
  /// Number of rows an INSERT, UPDATE or DELETE changed.
  std::int64_t affected() const;
  pg_result* native() const { return result_; }

 private:
  pg_result* result_;
};

/// One libpq connection. Statements always use parameters: SQL text is never
/// built from input (a house rule checked by scripts/lint.sh).
class Connection {
 public:
  explicit Connection(const std::string& dsn);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Result exec(std::string_view sql, const Params& params = {});
  /// Runs one or more statements without parameters (migrations, BEGIN).
  void exec_script(std::string_view sql);
  bool healthy() const;

 private:
  pg_conn* conn_;
};

/// Removes `password=...` from a keyword/value DSN so it can be logged.
std::string redact_dsn(std::string_view dsn);

}  // namespace telehealth::db
