#pragma once

#include "db/connection.hpp"

namespace telehealth::db {

/// BEGIN on construction, ROLLBACK on destruction unless `commit` ran. Every
/// multi-row change, and every PHI access with its audit event, runs inside
/// one of these.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Result exec(std::string_view sql, const Params& params = {}) {
    return connection_.exec(sql, params);
  }
  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace telehealth::db
