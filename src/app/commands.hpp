#pragma once

#include <filesystem>
#include <string>

namespace telehealth::app {

/// Runs the HTTPS server until SIGINT or SIGTERM. Returns the exit code.
int run_serve(const std::filesystem::path& config_file);

/// Applies pending migrations as the schema owner. Returns the exit code.
int run_migrate(const std::string& database_url, const std::filesystem::path& folder);

/// Recomputes the audit hash chain; prints OK with the count or the first bad
/// event. Returns 0 only when the chain is intact.
int run_audit_verify(const std::filesystem::path& config_file);

/// Lists the monthly audit partitions with event counts and whether each is
/// past retention. Returns the exit code.
int run_audit_partitions(const std::filesystem::path& config_file);

/// Drops the audit partitions past retention as telehealth_maintenance.
/// Returns the exit code.
int run_audit_drop_expired(const std::string& maintenance_database_url);

/// Creates the demo clinic (invented people) and prints the sign-in details.
int run_demo_seed(const std::filesystem::path& config_file);

/// Creates one user; the password is read from standard input.
int run_user_add(const std::filesystem::path& config_file, const std::string& email,
                 const std::string& display_name, const std::string& role);

/// Prints the server's route table as JSON: method, pattern, access, roles,
/// PHI and WebSocket marks of every route. The route-policy test and the
/// compliance documentation read it.
int run_print_routes(const std::filesystem::path& config_file);

/// Clears an account's failed attempts and lockout. Returns the exit code.
int run_user_unlock(const std::filesystem::path& config_file, const std::string& email);

}  // namespace telehealth::app
