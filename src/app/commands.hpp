#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace telehealth::app {

/// Runs the HTTPS server until SIGINT or SIGTERM. Returns the exit code.
int run_serve(const std::filesystem::path& config_file);

/// Applies pending migrations as the schema owner. Returns the exit code.
int run_migrate(const std::string& database_url, const std::filesystem::path& folder);

struct AuditVerifyOptions {
  std::filesystem::path public_key_file;  // empty: the keyring's public key
  std::filesystem::path checkpoint_file;  // empty: audit.checkpoint_file
};

/// Recomputes every audit chain and Merkle tree and checks every checkpoint
/// with the public key alone; prints each problem found and the speed.
/// Returns 0 only when everything is intact.
int run_audit_verify(const std::filesystem::path& config_file, const AuditVerifyOptions& options);

/// Signs a checkpoint of this instance's chain now (see audit/checkpoint.hpp).
int run_audit_checkpoint(const std::filesystem::path& config_file);

/// Prints the audit signing public key as PEM.
int run_audit_public_key(const std::filesystem::path& config_file);

/// Prints an inclusion proof of one event as JSON (see audit/proof.hpp).
int run_audit_prove(const std::filesystem::path& config_file, const std::string& event_id,
                    std::optional<std::int64_t> tree_size);

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
