#include "db/migrate.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "db/transaction.hpp"

namespace telehealth::db {

namespace {

std::vector<std::filesystem::path> migration_files(const std::filesystem::path& folder) {
  if (!std::filesystem::is_directory(folder)) {
    throw core::Error(core::ErrorKind::invalid_field,
                      "migrations folder not found: " + folder.string(), "migrations");
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() == ".sql") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::vector<std::string> migrate(Connection& connection, const std::filesystem::path& folder) {
  connection.exec_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");

  std::vector<std::string> applied;
  for (const auto& file : migration_files(folder)) {
    const std::string name = file.filename().string();
    Transaction tx(connection);
    // Serialises concurrent `migrate` runs of several instances.
    tx.exec("LOCK TABLE schema_migrations IN EXCLUSIVE MODE");
    if (!tx.exec("SELECT 1 FROM schema_migrations WHERE name = $1", {name}).empty()) continue;
    connection.exec_script(read_file(file));
    tx.exec("INSERT INTO schema_migrations (name) VALUES ($1)", {name});
    tx.commit();
    applied.push_back(name);
  }
  return applied;
}

}  // namespace telehealth::db
