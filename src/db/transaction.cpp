#include "db/transaction.hpp"

namespace telehealth::db {

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.exec_script("BEGIN");
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    connection_.exec_script("ROLLBACK");
  } catch (...) {
    // The connection is broken; the pool drops it on release.
  }
}

void Transaction::commit() {
  done_ = true;
  connection_.exec_script("COMMIT");
}

}  // namespace telehealth::db
