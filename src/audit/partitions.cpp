#include "audit/partitions.hpp"

#include <exception>

#include "core/error.hpp"
#include "core/log.hpp"
#include "db/transaction.hpp"

namespace telehealth::audit {

int create_partitions(db::Connection& connection, int months_ahead) {
  const auto rows =
      connection.exec("SELECT audit_create_partitions($1)", {std::to_string(months_ahead)});
  return static_cast<int>(rows.integer(0, 0));
}

std::vector<Partition> list_partitions(db::Connection& connection) {
  const auto rows = connection.exec(
      "SELECT partition_name, range_start, range_end, events, expired FROM audit_partitions()");
  std::vector<Partition> partitions;
  partitions.reserve(static_cast<std::size_t>(rows.rows()));
  const auto optional_timestamp = [&rows](int row, int column) -> std::optional<core::Seconds> {
    if (rows.is_null(row, column)) return std::nullopt;
    return rows.timestamp(row, column);
  };
  for (int row = 0; row < rows.rows(); ++row) {
    partitions.push_back({std::string(rows.text(row, 0)), optional_timestamp(row, 1),
                          optional_timestamp(row, 2), rows.integer(row, 3),
                          !rows.is_null(row, 4) && rows.boolean(row, 4)});
  }
  return partitions;
}

std::string retention_period(db::Connection& connection) {
  return std::string(connection.exec("SELECT period::text FROM audit_retention").text(0, 0));
}

bool schema_log_installed(db::Connection& connection) {
  // evtenabled 'A' fires always, 'O' unless session_replication_role is
  // replica; 'R' fires only then, and 'D' never.
  const auto rows = connection.exec(
      "SELECT count(*) FROM pg_event_trigger"
      " WHERE evtname IN ('audit_ddl_command_end', 'audit_sql_drop') AND evtenabled IN ('O', 'A')");
  return rows.integer(0, 0) == 2;
}

std::vector<DroppedPartition> drop_expired_partitions(db::Connection& connection) {
  connection.exec_script("SET ROLE telehealth_maintenance");
  std::vector<DroppedPartition> dropped;
  // Re-listed after each drop, so a partition that expires or appears while
  // this runs is judged on fresh data; the database checks again anyway.
  for (;;) {
    const auto rows = connection.exec(
        "SELECT partition_name FROM audit_partition_bounds() b"
        " WHERE b.range_end <= now() - (SELECT period FROM audit_retention)"
        " ORDER BY b.range_start LIMIT 1");
    if (rows.empty()) break;
    const std::string name(rows.text(0, 0));
    db::Transaction tx(connection);
    const auto events = tx.exec("SELECT audit_drop_expired_partition($1)", {name}).integer(0, 0);
    tx.commit();
    dropped.push_back({name, events});
  }
  return dropped;
}

PartitionMaintainer::PartitionMaintainer(std::string database_url, std::chrono::seconds interval,
                                         std::chrono::seconds retry)
    : database_url_(std::move(database_url)),
      interval_(interval),
      retry_(retry),
      thread_([this] { run(); }) {}

PartitionMaintainer::~PartitionMaintainer() { stop(); }

void PartitionMaintainer::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PartitionMaintainer::run() {
  std::unique_lock lock(mutex_);
  // The first run happens at start-up in run_serve, so this one waits first.
  auto wait = interval_;
  while (!wake_.wait_for(lock, wait, [this] { return stopping_; })) {
    lock.unlock();
    try {
      db::Connection connection(database_url_);
      const int created = create_partitions(connection);
      core::log(core::LogLevel::info, "audit", "audit partitions checked", {{"created", created}});
      wait = interval_;
    } catch (const core::Error& error) {
      core::log(core::LogLevel::error, "audit", "creating audit partitions failed; retrying later",
                {{"detail", error.detail()}, {"retry_seconds", retry_.count()}});
      wait = retry_;
    } catch (const std::exception& error) {
      core::log(core::LogLevel::error, "audit", "creating audit partitions failed; retrying later",
                {{"detail", error.what()}, {"retry_seconds", retry_.count()}});
      wait = retry_;
    }
    lock.lock();
  }
}

}  // namespace telehealth::audit
