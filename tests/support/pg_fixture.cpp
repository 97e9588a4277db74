#include "support/pg_fixture.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "db/migrate.hpp"

namespace telehealth::test {

namespace {

// Roles that scripts/lib/postgres.sh creates in every cluster.
constexpr std::string_view kOwnerRole = "telehealth_owner";
constexpr std::string_view kAppRole = "telehealth_app";

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

bool is_uri(std::string_view dsn) {
  return dsn.starts_with("postgresql://") || dsn.starts_with("postgres://");
}

// The name contains only [a-z0-9_], so it needs no quoting as an identifier
// or inside a keyword/value DSN.
std::string new_database_name() {
  return "th_test_" + crypto::hex_encode(crypto::random_bytes(8));
}

}  // namespace

std::filesystem::path migrations_folder() { return TELEHEALTH_MIGRATIONS_DIR; }

std::string with_database(std::string_view dsn, std::string_view database) {
  if (!is_uri(dsn)) return std::string(dsn) + " dbname=" + std::string(database);

  // postgresql://[userinfo@]host[:port][/dbname][?parameters]
  const auto authority = dsn.find("://") + 3;
  const auto query = dsn.find('?', authority);
  const auto path = dsn.find('/', authority);
  const auto authority_end = std::min(path, query);
  std::string out(dsn.substr(0, authority_end));
  out += '/';
  out += database;
  if (query != std::string_view::npos) out += dsn.substr(query);
  return out;
}

PgDatabase::PgDatabase(std::string admin_dsn, const std::string& owner_dsn,
                       const std::string& app_dsn,
                       const std::optional<std::filesystem::path>& migrations)
    : admin_dsn_(std::move(admin_dsn)),
      name_(new_database_name()),
      owner_dsn_(with_database(owner_dsn, name_)),
      app_dsn_(with_database(app_dsn, name_)) {
  {
    db::Connection admin(admin_dsn_);
    // CREATE DATABASE takes no parameters; the name is generated above.
    admin.exec_script("CREATE DATABASE " + name_ + " OWNER " + std::string(kOwnerRole));
  }
  // From here on the destructor must run to drop the database on failure.
  try {
    superuser_ = std::make_unique<db::Connection>(with_database(admin_dsn_, name_));
    superuser_->exec_script("REVOKE ALL ON DATABASE " + name_ + " FROM PUBLIC");
    superuser_->exec_script("GRANT CONNECT ON DATABASE " + name_ + " TO " + std::string(kAppRole));

    db::Connection owner(owner_dsn_);
    db::migrate(owner, migrations.value_or(migrations_folder()));
    if (!migrations) {
      // The server creates partitions around today; events at the tests'
      // fixed times need these (migrations/011_audit_partitions.sql).
      owner.exec(
          "SELECT audit_create_partition(month) FROM generate_series("
          "timestamptz '2031-01-01 00:00:00+00', timestamptz '2031-12-01 00:00:00+00',"
          " interval '1 month') AS month");
    }
  } catch (...) {
    superuser_.reset();
    db::Connection admin(admin_dsn_);
    admin.exec_script("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    throw;
  }
}

PgDatabase::~PgDatabase() {
  superuser_.reset();
  try {
    db::Connection admin(admin_dsn_);
    admin.exec_script("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& error) {
    ADD_FAILURE() << "could not drop test database " << name_ << ": " << error.what();
  }
}

db::Result PgDatabase::exec_as_superuser(std::string_view sql, const db::Params& params) {
  return superuser_->exec(sql, params);
}

void PgTest::SetUp() {
  const auto admin_dsn = environment("TELEHEALTH_TEST_ADMIN_DSN");
  if (admin_dsn.empty()) {
    GTEST_SKIP() << "TELEHEALTH_TEST_ADMIN_DSN is not set; set it (and "
                    "TELEHEALTH_TEST_OWNER_DSN, TELEHEALTH_TEST_APP_DSN) to run PostgreSQL tests";
  }
  const auto owner_dsn = environment("TELEHEALTH_TEST_OWNER_DSN");
  const auto app_dsn = environment("TELEHEALTH_TEST_APP_DSN");
  ASSERT_FALSE(owner_dsn.empty()) << "TELEHEALTH_TEST_OWNER_DSN is not set";
  ASSERT_FALSE(app_dsn.empty()) << "TELEHEALTH_TEST_APP_DSN is not set";

  database_ = std::make_unique<PgDatabase>(admin_dsn, owner_dsn, app_dsn);
  app_ = std::make_unique<db::Connection>(database_->app_dsn());
}

void PgTest::TearDown() {
  app_.reset();
  database_.reset();
}

std::string PgTest::add_user(std::string_view role, std::string_view display_name) {
  const auto id = crypto::new_uuid();
  database_->exec_as_superuser(
      "INSERT INTO users (id, email, display_name, role, password_hash)"
      " VALUES ($1, $2, $3, $4, 'no password matches this hash')",
      {id, id + "@example.test", std::string(display_name), std::string(role)});
  return id;
}

}  // namespace telehealth::test
