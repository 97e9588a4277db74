// `telehealth audit partitions` and `telehealth audit drop-expired`: the
// operator's view of the monthly audit partitions and their retention.

#include <iomanip>
#include <iostream>

#include "app/commands.hpp"
#include "app/config.hpp"
#include "audit/partitions.hpp"
#include "db/connection.hpp"
#include "db/sqlstate.hpp"

namespace telehealth::app {

namespace {

// "-" stands for an open bound (MINVALUE or MAXVALUE).
std::string format_bound(const std::optional<core::Seconds>& bound) {
  return bound ? core::format_rfc3339(*bound) : "-";
}

void print_partitions(const std::vector<audit::Partition>& partitions) {
  std::cout << std::left << std::setw(24) << "partition" << std::setw(22) << "from (UTC)"
            << std::setw(22) << "to (UTC)" << std::right << std::setw(12) << "events"
            << "  past retention\n";
  for (const auto& partition : partitions) {
    std::cout << std::left << std::setw(24) << partition.name << std::setw(22)
              << format_bound(partition.range_start) << std::setw(22)
              << format_bound(partition.range_end) << std::right << std::setw(12)
              << partition.events << "  " << (partition.expired ? "yes" : "no") << '\n';
  }
}

}  // namespace

int run_audit_partitions(const std::filesystem::path& config_file) {
  const Config config = load_config(config_file);
  db::Connection connection(config.database_url);
  const auto partitions = audit::list_partitions(connection);
  print_partitions(partitions);
  std::cout << "retention: " << audit::retention_period(connection)
            << " after a partition's range ends\n";
  if (audit::schema_log_installed(connection)) {
    std::cout << "schema change log: installed\n";
  } else {
    std::cout << "schema change log: NOT installed; run deploy/postgres/audit_schema_log.sql as a "
                 "superuser\n";
  }
  return 0;
}

int run_audit_drop_expired(const std::string& maintenance_database_url) {
  db::Connection connection(maintenance_database_url);
  try {
    const auto dropped = audit::drop_expired_partitions(connection);
    for (const auto& partition : dropped) {
      std::cout << "dropped " << partition.name << " (events: " << partition.events << ")\n";
    }
    std::cout << "drop-expired: " << dropped.size() << " partitions dropped\n";
    return 0;
  } catch (const db::SqlError& error) {
    // The operator needs the database's reason (a role without the right
    // membership, a partition inside retention); it names no patient data.
    std::cerr << "telehealth: audit drop-expired: " << error.detail()
              << "\nhint: --maintenance-database-url must log in as telehealth_maintenance or "
                 "a role granted it\n";
    return 1;
  }
}

}  // namespace telehealth::app
