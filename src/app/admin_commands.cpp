#include <iostream>

#include "app/commands.hpp"
#include "app/config.hpp"
#include "core/log.hpp"
#include "db/connection.hpp"
#include "db/migrate.hpp"
#include "identity/attempts.hpp"
#include "identity/users.hpp"

namespace telehealth::app {

int run_migrate(const std::string& database_url, const std::filesystem::path& folder) {
  db::Connection connection(database_url);
  const auto applied = db::migrate(connection, folder);
  for (const auto& name : applied) std::cout << "applied " << name << '\n';
  std::cout << "migrations: " << applied.size() << " applied, schema is current\n";
  return 0;
}

int run_user_add(const std::filesystem::path& config_file, const std::string& email,
                 const std::string& display_name, const std::string& role) {
  const Config config = load_config(config_file);
  std::string password;
  std::getline(std::cin, password);
  if (password.size() < 12) {
    std::cerr << "telehealth: password: must be at least 12 characters\n";
    return 2;
  }
  db::Connection connection(config.database_url);
  const auto id = identity::create_user(
      connection, {email, display_name, identity::parse_role(role).value(), password});
  std::cout << "created " << role << " " << id << '\n';
  return 0;
}

int run_user_unlock(const std::filesystem::path& config_file, const std::string& email) {
  const Config config = load_config(config_file);
  db::Connection connection(config.database_url);
  if (!identity::unlock(connection, email)) {
    std::cerr << "telehealth: email: no user has this email\n";
    return 2;
  }
  std::cout << "unlocked\n";
  return 0;
}

}  // namespace telehealth::app
