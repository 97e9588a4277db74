#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/time.hpp"
#include "db/connection.hpp"

// Monthly partitions of audit_events and their retention. The SQL functions
// behind these calls, and the rules they enforce, are in
// migrations/011_audit_partitions.sql.

namespace telehealth::audit {

/// Months after the current one (UTC) that `telehealth serve` keeps
/// partitioned. With a daily refresh, three months leave room for the
/// refresh to fail for weeks before an insert finds no partition.
inline constexpr int kPartitionMonthsAhead = 3;

struct Partition {
  std::string name;  // audit_events_YYYY_MM
  /// nullopt for a partition attached by hand with MINVALUE or MAXVALUE.
  std::optional<core::Seconds> range_start;
  std::optional<core::Seconds> range_end;  // exclusive
  std::int64_t events = 0;
  /// Whether range_end lies further back than the retention period.
  bool expired = false;
};

/// Creates the missing partitions from the previous month through
/// `months_ahead` months ahead, through the SECURITY DEFINER function
/// audit_create_partitions. Returns how many it created.
int create_partitions(db::Connection& connection, int months_ahead = kPartitionMonthsAhead);

/// Lists the partitions of audit_events, oldest first, with exact event
/// counts (this reads every partition).
std::vector<Partition> list_partitions(db::Connection& connection);

/// The retention period as PostgreSQL prints it, for example "7 years".
std::string retention_period(db::Connection& connection);

/// Whether the event triggers that log schema changes to the audit tables
/// (deploy/postgres/audit_schema_log.sql) are installed and enabled.
bool schema_log_installed(db::Connection& connection);

struct DroppedPartition {
  std::string name;
  std::int64_t events = 0;
};

/// Switches the session to telehealth_maintenance (SET ROLE) and drops every
/// expired partition, oldest first, each in its own transaction. Stops at
/// the first partition the database rejects and rethrows its error, so the
/// partitions dropped before it stay dropped. The connection's login role
/// must be telehealth_maintenance, a member of it, or a superuser.
std::vector<DroppedPartition> drop_expired_partitions(db::Connection& connection);

/// Calls create_partitions once a day on a thread of its own, with a new
/// connection each time, so the partitions stay ahead of the calendar while
/// the server runs. A failure is logged and retried an hour later.
class PartitionMaintainer {
 public:
  PartitionMaintainer(std::string database_url, std::chrono::seconds interval = std::chrono::hours(24),
                      std::chrono::seconds retry = std::chrono::hours(1));
  ~PartitionMaintainer();
  PartitionMaintainer(const PartitionMaintainer&) = delete;
  PartitionMaintainer& operator=(const PartitionMaintainer&) = delete;

  /// Wakes the thread and joins it. Safe to call more than once.
  void stop();

 private:
  void run();

  std::string database_url_;
  std::chrono::seconds interval_;
  std::chrono::seconds retry_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace telehealth::audit
