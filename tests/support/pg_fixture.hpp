#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "db/connection.hpp"

// A throwaway PostgreSQL database for tests labelled "pg" (files named
// *_pgtest.cpp). The cluster comes from three libpq DSNs in the environment:
//
//   TELEHEALTH_TEST_ADMIN_DSN  a superuser; creates and drops the database
//   TELEHEALTH_TEST_OWNER_DSN  telehealth_owner; runs the migrations
//   TELEHEALTH_TEST_APP_DSN    telehealth_app; what the code under test uses
//
// The dbname in the owner and app DSNs is replaced by the throwaway
// database's name. Without TELEHEALTH_TEST_ADMIN_DSN, PgTest skips.

namespace telehealth::test {

/// Returns `dsn` with its database replaced by `database`. Accepts keyword/
/// value strings ("host=... dbname=..."), where a later keyword overrides an
/// earlier one, and postgresql:// URIs, whose path is replaced.
std::string with_database(std::string_view dsn, std::string_view database);

/// The repository's migrations/ folder.
std::filesystem::path migrations_folder();

/// A database named th_test_<16 random hex digits>, owned by
/// telehealth_owner, with CONNECT revoked from PUBLIC and granted to
/// telehealth_app, and every migration in migrations/ applied as the owner. Dropped on destruction,
/// even while connections to it remain (DROP DATABASE ... WITH (FORCE)).
///
/// With all of migrations/ applied, it also has audit partitions for every
/// month of 2031, the year of the fixed clocks the pg tests use. `migrations`
/// names another folder instead, for a test of a migration itself.
class PgDatabase {
 public:
  PgDatabase(std::string admin_dsn, const std::string& owner_dsn, const std::string& app_dsn,
             const std::optional<std::filesystem::path>& migrations = std::nullopt);
  ~PgDatabase();
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  const std::string& name() const noexcept { return name_; }
  /// DSN of the application role, telehealth_app, in this database.
  const std::string& app_dsn() const noexcept { return app_dsn_; }
  /// DSN of the owner role, telehealth_owner, in this database.
  const std::string& owner_dsn() const noexcept { return owner_dsn_; }

  /// Runs one statement as the superuser in this database, for set-up,
  /// inspection and tampering that the application role may not do.
  db::Result exec_as_superuser(std::string_view sql, const db::Params& params = {});

 private:
  std::string admin_dsn_;
  std::string name_;
  std::string owner_dsn_;
  std::string app_dsn_;
  std::unique_ptr<db::Connection> superuser_;
};

/// GoogleTest fixture that gives each test its own PgDatabase and one
/// connection to it as the application role. Skips the test when
/// TELEHEALTH_TEST_ADMIN_DSN is unset; fails it when only the owner or app
/// DSN is missing.
class PgTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  PgDatabase& database() { return *database_; }
  /// A connection as telehealth_app, opened in SetUp.
  db::Connection& app() { return *app_; }

  /// Inserts an active user with `role` ("patient", "clinician", "admin" or
  /// "auditor") and a password hash that matches no password. Returns its id.
  std::string add_user(std::string_view role, std::string_view display_name);

 private:
  std::unique_ptr<PgDatabase> database_;
  std::unique_ptr<db::Connection> app_;
};

}  // namespace telehealth::test
