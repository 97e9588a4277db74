// The audit log in the database: monthly partitions, who may change or drop
// them, retention, and the log of schema changes
// (migrations/011_audit_partitions.sql, deploy/postgres/audit_schema_log.sql).
// Each test has a throwaway database, so dropping partitions here never
// touches the chain of the shared test database.

#include "audit/partitions.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <utility>
#include <set>
#include <sstream>
#include <string>

#include "audit/chain.hpp"
#include "core/error.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "db/migrate.hpp"
#include "db/sqlstate.hpp"
#include "db/transaction.hpp"
#include "support/pg_fixture.hpp"

namespace telehealth::audit {
namespace {

namespace fs = std::filesystem;

core::Seconds at(const char* rfc3339) { return core::parse_rfc3339(rfc3339).value(); }

core::Seconds system_now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// The first instant of the UTC month `offset` months after the one of `t`.
core::Seconds month_start(core::Seconds t, int offset = 0) {
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(t)};
  const auto month = std::chrono::year_month{day.year(), day.month()} + std::chrono::months{offset};
  return std::chrono::sys_days{month / 1};
}

// audit_events_YYYY_MM, computed here rather than by the database.
std::string partition_name(core::Seconds t) {
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(t)};
  char name[32];
  std::snprintf(name, sizeof name, "audit_events_%04d_%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()));
  return name;
}

// Runs `statement` and returns the database's error as "SQLSTATE xxxxx:
// message", or "" when it succeeded.
std::string sql_error(const std::function<void()>& statement) {
  try {
    statement();
  } catch (const db::SqlError& error) {
    return error.detail();
  }
  return {};
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

Event test_event(const std::string& type) {
  Event event;
  event.event_type = type;
  event.client_ip = "127.0.0.1";
  event.user_agent = "partitions_pgtest";
  event.request_id = "req-" + type;
  return event;
}

std::int64_t append_at(db::Connection& connection, core::Seconds now, const std::string& type) {
  db::Transaction tx(connection);
  const auto seq = append(tx, test_event(type), now);
  tx.commit();
  return seq;
}

class AuditPartitionsPgTest : public test::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // The superuser step that the scripts run after the migrations.
    superuser().exec_script(
        read_text(test::migrations_folder().parent_path() / "deploy/postgres/audit_schema_log.sql"));
    owner_ = std::make_unique<db::Connection>(database().owner_dsn());
  }

  void TearDown() override {
    maintenance_.reset();
    superuser_.reset();
    owner_.reset();
    PgTest::TearDown();
  }

  db::Connection& owner() { return *owner_; }

  db::Connection& superuser() {
    if (!superuser_) {
      superuser_ = std::make_unique<db::Connection>(
          test::with_database(environment("TELEHEALTH_TEST_ADMIN_DSN"), database().name()));
    }
    return *superuser_;
  }

  // A session whose privileges are telehealth_maintenance's: the superuser
  // switches to it, as an operator's login role granted it would.
  db::Connection& maintenance() {
    if (!maintenance_) {
      maintenance_ = std::make_unique<db::Connection>(
          test::with_database(environment("TELEHEALTH_TEST_ADMIN_DSN"), database().name()));
      maintenance_->exec_script("SET ROLE telehealth_maintenance");
    }
    return *maintenance_;
  }

  std::int64_t count(std::string_view sql, const db::Params& params = {}) {
    return database().exec_as_superuser(sql, params).integer(0, 0);
  }

 private:
  std::unique_ptr<db::Connection> owner_;
  std::unique_ptr<db::Connection> superuser_;
  std::unique_ptr<db::Connection> maintenance_;
};

TEST_F(AuditPartitionsPgTest, AppRoleCannotChangeEvents) {
  append_at(app(), system_now(), "test.first");
  const std::string partition = partition_name(system_now());

  // Each statement, and the table whose grants reject it.
  const std::pair<std::string, std::string> attempts[] = {
      {"UPDATE audit_events SET outcome = 'denied'", "audit_events"},
      {"DELETE FROM audit_events", "audit_events"},
      {"TRUNCATE audit_events", "audit_events"},
      {"UPDATE " + partition + " SET outcome = 'denied'", partition},
      {"DELETE FROM " + partition, partition},
      {"TRUNCATE " + partition, partition},
  };
  for (const auto& [statement, table] : attempts) {
    SCOPED_TRACE(statement);
    EXPECT_EQ(sql_error([&] { app().exec_script(statement); }),
              "SQLSTATE 42501: permission denied for table " + table);
  }
  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE outcome = 'allowed'"), 1);
}

TEST_F(AuditPartitionsPgTest, OwnerAndSuperuserChangesRejectedByTrigger) {
  append_at(app(), system_now(), "test.first");
  const std::string partition = partition_name(system_now());

  EXPECT_EQ(sql_error([&] { owner().exec_script("UPDATE audit_events SET outcome = 'denied'"); }),
            "SQLSTATE 42501: " + partition + " is append-only: UPDATE rejected");
  EXPECT_EQ(sql_error([&] { owner().exec_script("DELETE FROM audit_events"); }),
            "SQLSTATE 42501: " + partition + " is append-only: DELETE rejected");
  EXPECT_EQ(sql_error([&] { owner().exec_script("TRUNCATE audit_events"); }),
            "SQLSTATE 42501: audit_events is append-only: TRUNCATE rejected");
  EXPECT_EQ(sql_error([&] { owner().exec_script("TRUNCATE " + partition); }),
            "SQLSTATE 42501: " + partition + " is append-only: TRUNCATE rejected");
  EXPECT_EQ(
      sql_error([&] { superuser().exec_script("UPDATE audit_events SET client_ip = '203.0.113.9'"); }),
      "SQLSTATE 42501: " + partition + " is append-only: UPDATE rejected");
  EXPECT_EQ(sql_error([&] { superuser().exec_script("DELETE FROM " + partition); }),
            "SQLSTATE 42501: " + partition + " is append-only: DELETE rejected");

  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE client_ip = '127.0.0.1'"), 1);
}

// With session_replication_role = replica, triggers in the default state
// do not fire. The append-only ones are ENABLE ALWAYS, so a superuser's
// session in that mode is still rejected, on partitions made before and
// after the migration alike.
TEST_F(AuditPartitionsPgTest, ReplicaModeStillRejectsChanges) {
  append_at(app(), system_now(), "test.first");
  const std::string partition = partition_name(system_now());
  superuser().exec_script("SET session_replication_role = replica");

  // A retention change in replica mode is still logged, which also gives
  // audit_schema_changes a row for the DELETE below.
  superuser().exec_script("UPDATE audit_retention SET period = '9 years'");
  EXPECT_EQ(count("SELECT count(*) FROM audit_schema_changes WHERE command_tag = 'UPDATE'"
                  " AND detail = 'period 7 years -> 9 years'"),
            1);

  // Row triggers fire only on rows, so each DELETE targets a table that has
  // one. TRUNCATE triggers fire on empty tables too.
  const std::string attempts[] = {
      "UPDATE audit_events SET outcome = 'denied'",
      "DELETE FROM audit_events",
      "TRUNCATE audit_events",
      "TRUNCATE " + partition,
      "TRUNCATE audit_events_2031_06",
      "TRUNCATE audit_checkpoints",
      "DELETE FROM audit_retention",
      "TRUNCATE audit_retention",
      "DELETE FROM audit_schema_changes",
      "TRUNCATE audit_schema_changes",
      "TRUNCATE audit_dropped_partitions",
  };
  for (const auto& statement : attempts) {
    SCOPED_TRACE(statement);
    const auto error = sql_error([&] { superuser().exec_script(statement); });
    EXPECT_TRUE(error.starts_with("SQLSTATE 42501: ")) << error;
    EXPECT_NE(error.find("append-only"), std::string::npos) << error;
  }
  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE outcome = 'allowed'"), 1);

  // Every trigger on the audit tables, partitions included, fires always.
  EXPECT_EQ(count("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                  " WHERE c.relname LIKE 'audit\\_%' AND NOT t.tgisinternal"
                  " AND t.tgenabled <> 'A'"),
            0);
  EXPECT_GE(count("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                  " WHERE c.relname LIKE 'audit\\_%' AND NOT t.tgisinternal"),
            20);
}

TEST_F(AuditPartitionsPgTest, AppendLandsInItsMonthPartition) {
  const auto now = system_now();
  const auto next_month = month_start(now, 1) + std::chrono::hours(36);
  const auto this_seq = append_at(app(), now, "test.this_month");
  const auto next_seq = append_at(app(), next_month, "test.next_month");

  const auto partition_of = [&](std::int64_t seq) {
    return std::string(
        database()
            .exec_as_superuser("SELECT tableoid::regclass::text FROM audit_events WHERE seq = $1",
                               {std::to_string(seq)})
            .text(0, 0));
  };
  EXPECT_EQ(partition_of(this_seq), partition_name(now));
  EXPECT_EQ(partition_of(next_seq), partition_name(next_month));
  EXPECT_FALSE(verify(app()).first_bad_seq.has_value());
}

TEST_F(AuditPartitionsPgTest, EventOutsideEveryPartitionFails) {
  // The fixture's partitions end with 2031.
  const auto far_future = at("2045-06-01T00:00:00Z");
  try {
    append_at(app(), far_future, "test.far_future");
    FAIL() << "an event outside every partition was stored";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.kind(), core::ErrorKind::unavailable);
    EXPECT_EQ(error.detail(), "audit append failed: 23514");
  }
  EXPECT_EQ(sql_error([&] {
              app().exec(
                  "INSERT INTO audit_events (chain, seq, id, occurred_at, event_type, outcome,"
                  " prev_hash, hash) VALUES ('main', 1, gen_random_uuid(), '2045-06-01T00:00:00Z',"
                  " 'test.raw', 'allowed', '\\x00', '\\x00')");
            }),
            "SQLSTATE 23514: no partition of relation \"audit_events\" found for row");
  EXPECT_EQ(count("SELECT count(*) FROM audit_events"), 0);
}

TEST_F(AuditPartitionsPgTest, CreatePartitionsAddsOnlyMissingMonths) {
  // The migration already created the previous month through three ahead.
  EXPECT_EQ(create_partitions(app()), 0);
  EXPECT_EQ(create_partitions(app(), 5), 2);
  EXPECT_EQ(count("SELECT count(*) FROM pg_class WHERE relname = $1",
                  {partition_name(month_start(system_now(), 5))}),
            1);
  EXPECT_EQ(create_partitions(app(), 5), 0);
  EXPECT_EQ(sql_error([&] { create_partitions(app(), 37); }),
            "SQLSTATE 22023: months_ahead must be from 0 to 36, got 37");

  // The new partition carries the TRUNCATE guard and grants nothing.
  const auto newest = partition_name(month_start(system_now(), 5));
  EXPECT_EQ(sql_error([&] { owner().exec_script("TRUNCATE " + newest); }),
            "SQLSTATE 42501: " + newest + " is append-only: TRUNCATE rejected");
  EXPECT_EQ(count("SELECT count(*) FROM information_schema.role_table_grants"
                  " WHERE table_name = $1 AND grantee <> 'telehealth_owner'",
                  {newest}),
            0);
}

TEST_F(AuditPartitionsPgTest, AppRoleCannotDropPartitionsOrChangeRetention) {
  const std::string partition = partition_name(system_now());
  EXPECT_EQ(sql_error([&] {
              app().exec("SELECT audit_drop_expired_partition($1)", {partition});
            }),
            "SQLSTATE 42501: permission denied for function audit_drop_expired_partition");
  EXPECT_EQ(sql_error([&] { app().exec_script("DROP TABLE " + partition); }),
            "SQLSTATE 42501: must be owner of table " + partition);
  EXPECT_EQ(sql_error([&] {
              app().exec_script("ALTER TABLE audit_events DETACH PARTITION " + partition);
            }),
            "SQLSTATE 42501: must be owner of table audit_events");
  EXPECT_EQ(sql_error([&] { app().exec_script("UPDATE audit_retention SET period = '1 day'"); }),
            "SQLSTATE 42501: permission denied for table audit_retention");
  EXPECT_EQ(sql_error([&] { app().exec_script("INSERT INTO audit_schema_changes"
                                              " (session_user_name, current_user_name, command_tag)"
                                              " VALUES ('x', 'x', 'x')"); }),
            "SQLSTATE 42501: permission denied for table audit_schema_changes");
  EXPECT_EQ(sql_error([&] { app().exec_script("SET ROLE telehealth_maintenance"); }),
            "SQLSTATE 42501: permission denied to set role \"telehealth_maintenance\"");
  EXPECT_EQ(retention_period(app()), "7 years");
}

TEST_F(AuditPartitionsPgTest, MaintenanceCannotDropInsideRetention) {
  const std::string partition = partition_name(system_now());
  EXPECT_EQ(sql_error([&] {
              maintenance().exec("SELECT audit_drop_expired_partition($1)", {partition});
            }),
            "SQLSTATE 42501: partition \"" + partition +
                "\" is inside the retention period of 7 years");
  EXPECT_EQ(sql_error([&] { maintenance().exec_script("DROP TABLE " + partition); }),
            "SQLSTATE 42501: must be owner of table " + partition);
  EXPECT_EQ(sql_error([&] {
              maintenance().exec_script("UPDATE audit_retention SET period = '6 years'");
            }),
            "SQLSTATE 42501: permission denied for table audit_retention");
  EXPECT_EQ(drop_expired_partitions(maintenance()).size(), 0u);
  EXPECT_EQ(count("SELECT count(*) FROM pg_class WHERE relname = $1", {partition}), 1);
}

TEST_F(AuditPartitionsPgTest, MaintenanceDropsExpiredOldestFirst) {
  // Two months from 2010, long past 7 years, each with one event.
  owner().exec_script(
      "SELECT audit_create_partition('2010-01-15 00:00:00+00'),"
      " audit_create_partition('2010-02-15 00:00:00+00')");
  append_at(app(), at("2010-01-20T10:00:00Z"), "test.january");
  append_at(app(), at("2010-02-20T10:00:00Z"), "test.february");
  append_at(app(), system_now(), "test.today");

  EXPECT_EQ(sql_error([&] {
              maintenance().exec("SELECT audit_drop_expired_partition('audit_events_2010_02')");
            }),
            "SQLSTATE 42501: partition \"audit_events_2010_02\" is not the oldest partition of "
            "audit_events");

  const auto dropped = drop_expired_partitions(maintenance());
  ASSERT_EQ(dropped.size(), 2u);
  EXPECT_EQ(dropped[0].name, "audit_events_2010_01");
  EXPECT_EQ(dropped[0].events, 1);
  EXPECT_EQ(dropped[1].name, "audit_events_2010_02");
  EXPECT_EQ(dropped[1].events, 1);

  EXPECT_EQ(count("SELECT count(*) FROM pg_class WHERE relname LIKE 'audit\\_events\\_2010\\_%'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM audit_events"), 1);
  // The anchor a verifier starts the chain from: seq 2, the last dropped.
  EXPECT_EQ(count("SELECT count(*) FROM audit_dropped_partitions d"
                  " JOIN audit_events e ON e.chain = d.chain AND e.prev_hash = d.last_hash"
                  " WHERE d.partition_name = 'audit_events_2010_02' AND d.last_seq = 2"
                  " AND e.seq = 3"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM audit_schema_changes"
                  " WHERE command_tag = 'DROP TABLE' AND object_identity LIKE 'public.audit_events_2010_0_'"
                  " AND session_user_name = 'postgres' AND current_user_name = 'telehealth_owner'"),
            2);
}

TEST_F(AuditPartitionsPgTest, OpenEndedPartitionNotDroppable) {
  // Attached by hand, with no upper bound, so no retention check can pass it.
  owner().exec_script(
      "CREATE TABLE audit_events_open (LIKE audit_events INCLUDING CONSTRAINTS);"
      "ALTER TABLE audit_events ATTACH PARTITION audit_events_open"
      " FOR VALUES FROM ('2040-01-01 00:00:00+00') TO (MAXVALUE)");
  EXPECT_EQ(sql_error([&] {
              maintenance().exec("SELECT audit_drop_expired_partition('audit_events_open')");
            }),
            "SQLSTATE 42501: partition \"audit_events_open\" has no fixed range");
  EXPECT_EQ(count("SELECT count(*) FROM pg_class WHERE relname = 'audit_events_open'"), 1);

  append_at(app(), at("2041-02-03T04:05:06Z"), "test.open_range");
  const auto partitions = list_partitions(app());
  const auto open = std::find_if(partitions.begin(), partitions.end(),
                                 [](const Partition& p) { return p.name == "audit_events_open"; });
  ASSERT_NE(open, partitions.end());
  EXPECT_FALSE(open->range_start.has_value());
  EXPECT_FALSE(open->range_end.has_value());
  EXPECT_EQ(open->events, 1);
  EXPECT_FALSE(open->expired);
}

TEST_F(AuditPartitionsPgTest, RetentionHasFloorAndChangesAreLogged) {
  EXPECT_EQ(sql_error([&] { owner().exec_script("UPDATE audit_retention SET period = '5 years'"); }),
            "SQLSTATE 23514: new row for relation \"audit_retention\" violates check constraint "
            "\"audit_retention_period_check\" (constraint audit_retention_period_check)");
  owner().exec_script("UPDATE audit_retention SET period = '8 years'");
  EXPECT_EQ(retention_period(app()), "8 years");
  EXPECT_EQ(count("SELECT count(*) FROM audit_schema_changes WHERE command_tag = 'UPDATE'"
                  " AND object_identity = 'public.audit_retention'"
                  " AND detail = 'period 7 years -> 8 years'"
                  " AND session_user_name = 'telehealth_owner'"),
            1);
  EXPECT_EQ(sql_error([&] { owner().exec_script("DELETE FROM audit_retention"); }),
            "SQLSTATE 42501: audit_retention is append-only: DELETE rejected");
}

TEST_F(AuditPartitionsPgTest, SchemaChangesAreLogged) {
  EXPECT_TRUE(schema_log_installed(app()));
  owner().exec_script("CREATE INDEX request_lookup ON audit_events (request_id)");
  owner().exec_script(
      "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete;"
      "ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete");
  owner().exec_script("CREATE TABLE unrelated_table (x integer)");

  const auto rows = database().exec_as_superuser(
      "SELECT session_user_name, current_user_name, command_tag, object_identity"
      " FROM audit_schema_changes WHERE session_user_name = 'telehealth_owner' ORDER BY id");
  ASSERT_EQ(rows.rows(), 3);
  EXPECT_EQ(rows.text(0, 1), "telehealth_owner");
  EXPECT_EQ(rows.text(0, 2), "CREATE INDEX");
  // Named without "audit_", and still matched through its table.
  EXPECT_EQ(rows.text(0, 3), "public.request_lookup");
  EXPECT_EQ(rows.text(1, 2), "ALTER TABLE");
  EXPECT_EQ(rows.text(1, 3), "public.audit_events");
  EXPECT_EQ(rows.text(2, 2), "ALTER TABLE");

  EXPECT_EQ(count("SELECT count(*) FROM audit_schema_changes WHERE statement LIKE"
                  " '%DISABLE TRIGGER audit_events_no_update_delete%'"),
            2);
  EXPECT_EQ(sql_error([&] { owner().exec_script("DELETE FROM audit_schema_changes"); }),
            "SQLSTATE 42501: audit_schema_changes is append-only: DELETE rejected");
  // Dropping the log itself cannot go unrecorded, so it fails.
  EXPECT_NE(sql_error([&] { owner().exec_script("DROP TABLE audit_schema_changes"); })
                .find("audit_schema_changes is missing, so the schema change cannot be recorded"),
            std::string::npos);
}

// A database migrated up to 010 with events in three months, then migrated
// to the end: every row, index and event survives the conversion.
class AuditPartitionMigrationPgTest : public ::testing::Test {};

TEST_F(AuditPartitionMigrationPgTest, KeepsRowsAndIndexes) {
  const auto admin_dsn = environment("TELEHEALTH_TEST_ADMIN_DSN");
  if (admin_dsn.empty()) GTEST_SKIP() << "TELEHEALTH_TEST_ADMIN_DSN is not set";

  const fs::path before = fs::temp_directory_path() /
                          ("telehealth-migrations-" + crypto::hex_encode(crypto::random_bytes(6)));
  fs::create_directories(before);
  for (const auto& entry : fs::directory_iterator(test::migrations_folder())) {
    if (entry.path().extension() == ".sql" && entry.path().filename().string() < "011") {
      fs::copy_file(entry.path(), before / entry.path().filename());
    }
  }
  test::PgDatabase database(admin_dsn, environment("TELEHEALTH_TEST_OWNER_DSN"),
                            environment("TELEHEALTH_TEST_APP_DSN"), before);
  fs::remove_all(before);

  db::Connection app(database.app_dsn());
  append_at(app, at("2019-04-10T08:00:00Z"), "test.old");
  append_at(app, at("2024-07-31T23:59:59Z"), "test.middle");
  append_at(app, system_now(), "test.today");

  const char* kRows =
      "SELECT md5(string_agg(a::text, ',' ORDER BY chain, seq)) FROM audit_events a";
  const char* kIndexes =
      "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes"
      " WHERE tablename = 'audit_events' AND indexname NOT IN ('audit_events_pkey',"
      " 'audit_events_id_key')";
  const std::string rows_before(database.exec_as_superuser(kRows).text(0, 0));
  const std::string indexes_before(database.exec_as_superuser(kIndexes).text(0, 0));

  db::Connection owner(database.owner_dsn());
  const auto applied = db::migrate(owner, test::migrations_folder());
  ASSERT_FALSE(applied.empty());
  EXPECT_EQ(applied.front(), "011_audit_partitions.sql");

  EXPECT_EQ(database.exec_as_superuser(kRows).text(0, 0), rows_before);
  const std::string indexes_after(database.exec_as_superuser(kIndexes).text(0, 0));
  for (const auto& name : {"audit_events_patient_idx", "audit_events_break_glass_idx"}) {
    EXPECT_NE(indexes_before.find(name), std::string::npos) << indexes_before;
    EXPECT_NE(indexes_after.find(name), std::string::npos) << indexes_after;
  }
  // Every index from before is still there, under the same name.
  std::stringstream names(indexes_before);
  for (std::string name; std::getline(names, name, ',');) {
    EXPECT_NE(("," + indexes_after + ",").find("," + name + ","), std::string::npos) << name;
  }
  EXPECT_EQ(database.exec_as_superuser(
                        "SELECT relkind::text FROM pg_class WHERE oid = 'audit_events'::regclass")
                .text(0, 0),
            "p");
  EXPECT_EQ(database.exec_as_superuser(
                        "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                        " WHERE conname = 'audit_events_pkey'")
                .text(0, 0),
            "PRIMARY KEY (chain, seq, occurred_at)");

  const auto placed = database.exec_as_superuser(
      "SELECT seq, tableoid::regclass::text FROM audit_events ORDER BY seq");
  ASSERT_EQ(placed.rows(), 3);
  EXPECT_EQ(placed.text(0, 1), "audit_events_2019_04");
  EXPECT_EQ(placed.text(1, 1), "audit_events_2024_07");
  EXPECT_EQ(placed.text(2, 1), partition_name(system_now()));

  const auto report = verify(app);
  EXPECT_FALSE(report.first_bad_seq.has_value()) << report.problem;
  EXPECT_EQ(report.events_checked, 3);
  // The chain continues across the conversion.
  EXPECT_EQ(append_at(app, system_now(), "test.after"), 4);
}

}  // namespace
}  // namespace telehealth::audit
