#include "db/sqlstate.hpp"

#include <libpq-fe.h>

namespace telehealth::db {

namespace {

const char* message_for(core::ErrorKind kind) {
  switch (kind) {
    case core::ErrorKind::conflict:
      return "the change conflicts with an existing record; reload and try again";
    case core::ErrorKind::unavailable:
      return "the database is unavailable; nothing was changed, try again shortly";
    default:
      return "internal error";
  }
}

}  // namespace

SqlError::SqlError(core::ErrorKind kind, std::string sqlstate, std::string detail,
                   std::string constraint)
    : core::Error(kind, message_for(kind), {}, std::move(detail)),
      sqlstate_(std::move(sqlstate)),
      constraint_(std::move(constraint)) {}

core::ErrorKind classify_sqlstate(const std::string& sqlstate) {
  if (sqlstate == "23505" || sqlstate == "23P01") return core::ErrorKind::conflict;
  const std::string cls = sqlstate.substr(0, 2);
  // 08 connection exception, 53 insufficient resources, 57 operator
  // intervention (shutdown), 40 serialization failure or deadlock: the
  // request may succeed if tried again.
  if (cls == "08" || cls == "53" || cls == "57" || cls == "40") return core::ErrorKind::unavailable;
  return core::ErrorKind::internal;
}

void throw_if_failed(pg_conn* conn, const Result& result) {
  const auto* native = result.native();
  const auto status = native != nullptr ? PQresultStatus(native) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;

  const char* state = native != nullptr ? PQresultErrorField(native, PG_DIAG_SQLSTATE) : nullptr;
  // No SQLSTATE means the connection itself failed (class 08).
  std::string sqlstate = state != nullptr ? state : "08006";
  // Only the primary message and the constraint name are kept: PostgreSQL's
  // DETAIL line quotes the conflicting values, which may be PHI.
  const char* primary =
      native != nullptr ? PQresultErrorField(native, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* constraint =
      native != nullptr ? PQresultErrorField(native, PG_DIAG_CONSTRAINT_NAME) : nullptr;
  std::string detail = "SQLSTATE " + sqlstate + ": ";
  detail += primary != nullptr ? primary : PQerrorMessage(conn);
  if (constraint != nullptr) detail += std::string(" (constraint ") + constraint + ")";
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  throw SqlError(classify_sqlstate(sqlstate), sqlstate, std::move(detail),
                 constraint != nullptr ? constraint : "");
}

}  // namespace telehealth::db
