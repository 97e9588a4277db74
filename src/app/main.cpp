// telehealth: the server and its operator commands.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <iostream>
#include <optional>

#include "app/commands.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"Telehealth: video consultations, scheduling and records for small clinics"};
  cli.require_subcommand(1);
  std::string config_file = ".run/telehealth.json";
  cli.add_option("--config", config_file, "Path of the JSON configuration file")
      ->capture_default_str();

  auto* serve = cli.add_subcommand("serve", "Run the HTTPS server until SIGINT or SIGTERM");

  auto* migrate = cli.add_subcommand("migrate", "Apply database migrations as the schema owner");
  std::string database_url;
  std::string migrations = "migrations";
  // The environment variable keeps the owner's password out of `ps` output.
  migrate
      ->add_option("--database-url", database_url,
                   "libpq DSN of the schema owner role (or TELEHEALTH_MIGRATE_DATABASE_URL)")
      ->envname("TELEHEALTH_MIGRATE_DATABASE_URL")
      ->required();
  migrate->add_option("--migrations", migrations, "Folder of numbered .sql files")
      ->capture_default_str();

  auto* audit = cli.add_subcommand("audit", "Audit log commands");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand(
      "verify", "Check every audit chain, tree root and checkpoint signature");
  telehealth::app::AuditVerifyOptions verify_options;
  verify->add_option("--public-key", verify_options.public_key_file,
                     "PEM file from `audit public-key` (default: the keyring's public key)");
  verify->add_option("--checkpoint-file", verify_options.checkpoint_file,
                     "Copy of the checkpoint file to check (default: audit.checkpoint_file)");
  auto* checkpoint = audit->add_subcommand("checkpoint", "Sign a checkpoint of the chain now");
  auto* public_key =
      audit->add_subcommand("public-key", "Print the audit signing public key as PEM");
  auto* prove = audit->add_subcommand("prove", "Print an inclusion proof of one event as JSON");
  std::string prove_event;
  std::optional<std::int64_t> prove_tree_size;
  prove->add_option("EVENT_ID", prove_event, "Id (UUID) of the audit event")->required();
  prove->add_option("--tree-size", prove_tree_size,
                    "Tree size of the checkpoint to prove against (default: the latest)");
  auto* partitions = audit->add_subcommand(
      "partitions", "List the monthly audit partitions, their event counts and retention");
  auto* drop_expired = audit->add_subcommand(
      "drop-expired", "Drop the audit partitions past retention, as telehealth_maintenance");
  std::string maintenance_database_url;
  // The environment variable keeps the password out of `ps` output.
  drop_expired
      ->add_option("--maintenance-database-url", maintenance_database_url,
                   "libpq DSN of telehealth_maintenance or a role granted it "
                   "(or TELEHEALTH_MAINTENANCE_DATABASE_URL)")
      ->envname("TELEHEALTH_MAINTENANCE_DATABASE_URL")
      ->required();

  auto* demo = cli.add_subcommand("demo", "Demo data");
  demo->require_subcommand(1);
  auto* seed = demo->add_subcommand("seed", "Create a demo clinic with invented people");

  auto* user = cli.add_subcommand("user", "User accounts");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Create a user; reads the password from stdin");
  std::string email, display_name, role;
  user_add->add_option("--email", email, "Sign-in email")->required();
  user_add->add_option("--name", display_name, "Name shown to other users")->required();
  user_add->add_option("--role", role, "patient, clinician, admin or auditor")
      ->required()
      ->check(CLI::IsMember({"patient", "clinician", "admin", "auditor"}));

  auto* routes = cli.add_subcommand("routes", "Print the route table with each route's policy");

  auto* user_unlock =
      user->add_subcommand("unlock", "Clear an account's failed attempts and any lockout");
  std::string unlock_email;
  user_unlock->add_option("--email", unlock_email, "Sign-in email")->required();

  CLI11_PARSE(cli, argc, argv);

  try {
    if (*serve) return telehealth::app::run_serve(config_file);
    if (*migrate) return telehealth::app::run_migrate(database_url, migrations);
    if (*verify) return telehealth::app::run_audit_verify(config_file, verify_options);
    if (*checkpoint) return telehealth::app::run_audit_checkpoint(config_file);
    if (*public_key) return telehealth::app::run_audit_public_key(config_file);
    if (*prove) return telehealth::app::run_audit_prove(config_file, prove_event, prove_tree_size);
    if (*partitions) return telehealth::app::run_audit_partitions(config_file);
    if (*drop_expired) return telehealth::app::run_audit_drop_expired(maintenance_database_url);
    if (*seed) return telehealth::app::run_demo_seed(config_file);
    if (*routes) return telehealth::app::run_print_routes(config_file);
    if (*user_unlock) return telehealth::app::run_user_unlock(config_file, unlock_email);
    if (*user_add) {
      return telehealth::app::run_user_add(config_file, email, display_name, role);
    }
  } catch (const std::exception& error) {
    std::cerr << "telehealth: " << error.what() << '\n';
    return 1;
  }
  return 2;
}
