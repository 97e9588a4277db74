#pragma once

#include <string>

#include "core/error.hpp"
#include "db/connection.hpp"

namespace telehealth::db {

/// A failed statement. The kind follows the SQLSTATE class so callers catch
/// only what they can handle: unique and exclusion violations are conflicts
/// (409), lost connections and resource limits are unavailable (503), and
/// everything else is internal (500). The SQLSTATE and server message go to
/// the log only.
class SqlError : public core::Error {
 public:
  SqlError(core::ErrorKind kind, std::string sqlstate, std::string detail,
           std::string constraint = {});
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  /// The violated constraint's name, or "" when none applies.
  const std::string& constraint() const noexcept { return constraint_; }

 private:
  std::string sqlstate_;
  std::string constraint_;
};

/// Maps a SQLSTATE to the error kind described on SqlError.
core::ErrorKind classify_sqlstate(const std::string& sqlstate);

/// Throws SqlError unless `result` succeeded.
void throw_if_failed(pg_conn* conn, const Result& result);

}  // namespace telehealth::db
