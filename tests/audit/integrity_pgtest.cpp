// `telehealth audit verify`, `checkpoint`, `public-key` and `prove` run as
// the operator runs them: the real binary against a throwaway database of
// the test cluster (PgDatabase), tampered with as a superuser would.

#include <sys/stat.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "audit/chain.hpp"
#include "audit/checkpoint.hpp"
#include "crypto/encoding.hpp"
#include "crypto/hash.hpp"
#include "crypto/keyring.hpp"
#include "crypto/random.hpp"
#include "db/transaction.hpp"
#include "support/pg_fixture.hpp"

namespace telehealth::audit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

std::string binary() {
  const char* from_environment = std::getenv("TELEHEALTH_BINARY");
  return from_environment != nullptr && *from_environment != '\0' ? from_environment
                                                                   : TELEHEALTH_BINARY_PATH;
}

CommandResult run(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  while (const std::size_t read = std::fread(buffer, 1, sizeof buffer, pipe)) {
    result.output.append(buffer, read);
  }
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::trunc);
  out << text;
}

class AuditIntegrity : public test::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    folder_ = fs::temp_directory_path() /
              ("th_integrity_" + crypto::hex_encode(crypto::random_bytes(8)));
    fs::create_directories(folder_);
    crypto::Keyring::open_or_create(folder_ / "keyring.json");
    const json config = {
        {"listen", "127.0.0.1:1"},
        {"public_origin", "https://localhost:1"},
        {"tls", {{"certificate", "unused.crt"}, {"private_key", "unused.key"}}},
        {"database", {{"url", database().app_dsn()}}},
        {"keyring", (folder_ / "keyring.json").string()},
        {"web_root", "unused"},
        {"turn", {{"urls", json::array()}, {"secret_file", "unused"}}},
        {"audit", {{"chain", "main"}, {"checkpoint_file", checkpoint_file().string()}}}};
    write_file(folder_ / "telehealth.json", config.dump());
    set_chain("main");
  }

  void TearDown() override {
    if (!folder_.empty()) fs::remove_all(folder_);
    PgTest::TearDown();
  }

  fs::path checkpoint_file() const { return folder_ / "checkpoints.jsonl"; }

  CommandResult telehealth(const std::string& arguments) {
    return run(binary() + " --config " + (folder_ / "telehealth.json").string() + " " + arguments);
  }

  /// Appends `count` events through audit::append, as write transactions do.
  void append_events(int count, std::optional<std::string> result_ids = std::nullopt) {
    for (int i = 0; i < count; ++i) {
      db::Transaction tx(app());
      Event event{"records.read", "0b8e2f6c-51b1-4c1e-9a7d-3f0c2d4e5a6b", "clinician",
                  "1c9f3e7d-62a2-4d2f-8b8e-4a1d3e5f6b7c", "encounter", std::to_string(i),
                  Outcome::allowed, "127.0.0.1", "integrity test", "request-" + std::to_string(i)};
      event.result_ids = result_ids;
      append(tx, event, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
      tx.commit();
    }
  }

  void checkpoint_now() {
    const auto result = telehealth("audit checkpoint");
    ASSERT_EQ(result.exit_code, 0) << result.output;
  }

  /// Runs `sql` as a superuser with the append-only triggers off, which is
  /// what an attacker with superuser access would do. The triggers fire in
  /// replica mode too, so they are disabled by ALTER TABLE, and on
  /// audit_events that reaches every partition.
  void tamper(const std::string& sql) {
    const char* triggers[][2] = {{"audit_events", "audit_events_no_update_delete"},
                                 {"audit_checkpoints", "audit_checkpoints_no_update_delete"}};
    for (const auto& [table, trigger] : triggers) {
      database().exec_as_superuser(std::string("ALTER TABLE ") + table + " DISABLE TRIGGER " +
                                   trigger);
    }
    database().exec_as_superuser(sql);
    for (const auto& [table, trigger] : triggers) {
      database().exec_as_superuser(std::string("ALTER TABLE ") + table + " ENABLE ALWAYS TRIGGER " +
                                   trigger);
    }
  }

  std::string event_id(int seq) {
    return std::string(database()
                           .exec_as_superuser(
                               "SELECT id FROM audit_events WHERE chain = 'main' AND seq = $1",
                               {std::to_string(seq)})
                           .text(0, 0));
  }

  CommandResult verify() { return telehealth("audit verify"); }

  fs::path folder_;
};

TEST_F(AuditIntegrity, IntactLogVerifies) {
  append_events(30);
  const auto first = telehealth("audit checkpoint");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(json::parse(first.output)["tree_size"], 30);
  append_events(5);
  checkpoint_now();
  const auto nothing_new = telehealth("audit checkpoint");
  EXPECT_EQ(nothing_new.exit_code, 0);
  EXPECT_NE(nothing_new.output.find("no events since the last checkpoint"), std::string::npos);

  const auto result = verify();
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("checked 35 events, 2 database checkpoints and 2 file checkpoints"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("events/s on one core"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("OK:"), std::string::npos) << result.output;

  struct stat info {};
  ASSERT_EQ(::stat(checkpoint_file().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const auto lines = read_file(checkpoint_file());
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2);
}

TEST_F(AuditIntegrity, UpdatedEventIsNamed) {
  append_events(20);
  checkpoint_now();
  tamper("UPDATE audit_events SET user_agent = 'edited' WHERE chain = 'main' AND seq = 7");
  const auto result = verify();
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("FAILED: chain main: event seq 7 was changed"), std::string::npos)
      << result.output;
}

TEST_F(AuditIntegrity, DeletedEventIsNamed) {
  append_events(20);
  checkpoint_now();
  tamper("DELETE FROM audit_events WHERE chain = 'main' AND seq = 9");
  const auto result = verify();
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("FAILED: chain main: event seq 9 is missing"), std::string::npos)
      << result.output;
}

TEST_F(AuditIntegrity, SwappedEventsAreNamed) {
  append_events(20);
  checkpoint_now();
  tamper("UPDATE audit_events SET seq = -1 WHERE chain = 'main' AND seq = 4");
  tamper("UPDATE audit_events SET seq = 4 WHERE chain = 'main' AND seq = 12");
  tamper("UPDATE audit_events SET seq = 12 WHERE chain = 'main' AND seq = -1");
  const auto result = verify();
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("FAILED: chain main: event seq 4 does not link to seq 3"),
            std::string::npos)
      << result.output;
}

TEST_F(AuditIntegrity, TruncatedTailIsNamed) {
  append_events(20);
  checkpoint_now();
  tamper("DELETE FROM audit_events WHERE chain = 'main' AND seq > 15");
  const auto result = verify();
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("FAILED: chain main: events seq 16 to 20 were removed"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("(truncated tail)"), std::string::npos) << result.output;
}

TEST_F(AuditIntegrity, TruncationWithCheckpointsRemovedIsNamed) {
  append_events(12);
  checkpoint_now();
  append_events(8);
  checkpoint_now();
  // The attacker removes the tail and the database checkpoint over it, but
  // the checkpoint file (shipped off the machine) still has it.
  tamper("DELETE FROM audit_events WHERE chain = 'main' AND seq > 12");
  tamper("DELETE FROM audit_checkpoints WHERE chain = 'main' AND tree_size = 20");
  const auto result = verify();
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("FAILED: checkpoint of chain main at tree size 20 (file line 2) "
                               "is missing from the database"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("FAILED: chain main: events seq 13 to 20 were removed"),
            std::string::npos)
      << result.output;
}

TEST_F(AuditIntegrity, ForgedCheckpointIsNamed) {
  append_events(20);
  checkpoint_now();
  // Flip one bit of the stored signature.
  tamper(
      "UPDATE audit_checkpoints SET signature = set_byte(signature, 0, get_byte(signature, 0) # 1)"
      " WHERE chain = 'main' AND tree_size = 20");
  const auto result = telehealth("audit verify --checkpoint-file /dev/null");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("FAILED: checkpoint of chain main at tree size 20 (database) is "
                               "forged: its signature does not verify"),
            std::string::npos)
      << result.output;
}

TEST_F(AuditIntegrity, CheckpointSignedByAnotherKeyIsNamed) {
  append_events(10);
  checkpoint_now();
  // A checkpoint signed with a fresh key: the application role may INSERT.
  const auto other = crypto::Keyring::open_or_create(folder_ / "other-keyring.json");
  const auto real = database().exec_as_superuser(
      "SELECT encode(root_hash, 'hex') FROM audit_checkpoints WHERE tree_size = 10");
  const std::string key_id =
      crypto::sha256_hex(other.audit_signing_public_key()).substr(0, 16);
  const std::string message = "telehealth-audit-checkpoint/v1\nchain=main\ntree_size=10\nroot_hash=" +
                              std::string(real.text(0, 0)) +
                              "\nsigned_at=2026-12-05T00:00:00Z\nkey_id=" + key_id + "\n";
  const auto signature = other.sign_audit_message(crypto::as_byte_view(message));
  tamper("DELETE FROM audit_checkpoints");
  app().exec(
      "INSERT INTO audit_checkpoints (chain, tree_size, root_hash, signed_at, key_id, signature,"
      " frontier) SELECT 'main', 10, decode($1, 'hex'), '2026-12-05T00:00:00Z', $2,"
      " decode($3, 'hex'), ''::bytea",
      {std::string(real.text(0, 0)), key_id,
       crypto::hex_encode(crypto::ByteView(signature.data(), signature.size()))});
  const auto result = telehealth("audit verify --checkpoint-file /dev/null");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("FAILED: checkpoint of chain main at tree size 10 (database): "
                               "signed with key id " + key_id + ", not the public key given"),
            std::string::npos)
      << result.output;
}

TEST_F(AuditIntegrity, RehashedChainFailsItsCheckpoint) {
  append_events(10);
  checkpoint_now();
  append_events(10);
  checkpoint_now();
  // Change event 15 and recompute every hash from there on, so that the hash
  // chain alone verifies again: only the signed tree root can tell.
  tamper("UPDATE audit_events SET user_agent = 'edited' WHERE chain = 'main' AND seq = 15");
  std::string previous;
  for (int seq = 15; seq <= 20; ++seq) {
    const auto row = database().exec_as_superuser(
        "SELECT id, event_type, actor_id, actor_role, patient_id, record_type, record_id,"
        " outcome, client_ip, user_agent, request_id, prev_hash, occurred_at"
        " FROM audit_events WHERE chain = 'main' AND seq = $1",
        {std::to_string(seq)});
    StoredEvent stored;
    stored.chain = "main";
    stored.seq = seq;
    stored.id = std::string(row.text(0, 0));
    stored.event = Event{std::string(row.text(0, 1)), row.optional_text(0, 2),
                         row.optional_text(0, 3), row.optional_text(0, 4),
                         row.optional_text(0, 5), row.optional_text(0, 6), Outcome::allowed,
                         std::string(row.text(0, 8)), std::string(row.text(0, 9)),
                         std::string(row.text(0, 10))};
    stored.outcome_text = std::string(row.text(0, 7));
    const auto prev = row.bytes(0, 11);
    stored.prev_hash = seq == 15 ? std::string(prev.begin(), prev.end()) : previous;
    stored.occurred_at = row.timestamp(0, 12);
    const std::string hash = chain_hash(stored);
    tamper("UPDATE audit_events SET prev_hash = decode('" +
           crypto::hex_encode(crypto::as_byte_view(stored.prev_hash)) + "', 'hex'), hash = decode('" +
           crypto::hex_encode(crypto::as_byte_view(hash)) + "', 'hex') WHERE chain = 'main' AND seq = " +
           std::to_string(seq));
    previous = hash;
  }
  const auto result = verify();
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(result.output.find("FAILED: chain main"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("FAILED: checkpoint of chain main at tree size 20 (database) does "
                               "not match the events"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("so an event from seq 11 to 20 was altered"),
            std::string::npos)
      << result.output;
}

TEST_F(AuditIntegrity, ApplicationRoleCannotChangeCheckpoints) {
  append_events(3);
  checkpoint_now();
  EXPECT_THROW(app().exec("UPDATE audit_checkpoints SET tree_size = 2"), std::exception);
  EXPECT_THROW(app().exec("DELETE FROM audit_checkpoints"), std::exception);
  EXPECT_THROW(app().exec("TRUNCATE audit_checkpoints"), std::exception);
  // The triggers reject the change even for the owner, who has every grant.
  db::Connection owner(database().owner_dsn());
  EXPECT_THROW(owner.exec("DELETE FROM audit_checkpoints"), std::exception);
  EXPECT_EQ(database().exec_as_superuser("SELECT count(*) FROM audit_checkpoints").integer(0, 0), 1);
}

// The stored frontier is not signed. A superuser who plants another one
// (here: one hash changed) must not get the real key to sign over it.
TEST_F(AuditIntegrity, PlantedFrontierIsNotSignedOver) {
  append_events(6);
  checkpoint_now();
  tamper(
      "UPDATE audit_checkpoints SET frontier = overlay(frontier PLACING"
      " decode(lpad(to_hex(get_byte(frontier, 0) # 1), 2, '0'), 'hex') FROM 1 FOR 1)");
  append_events(2);
  const auto result = telehealth("audit checkpoint");
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("does not match its signature or root"), std::string::npos)
      << result.output;
  EXPECT_EQ(database().exec_as_superuser("SELECT count(*) FROM audit_checkpoints").integer(0, 0), 1);
}

TEST_F(AuditIntegrity, CheckpointerSignsByCountAndInterval) {
  Settings settings;
  settings.checkpoint_events = 5;
  settings.checkpoint_interval = std::chrono::seconds(60);
  settings.checkpoint_file = checkpoint_file();
  const auto keyring = crypto::Keyring::open_or_create(folder_ / "keyring.json");
  Checkpointer checkpointer(keyring, settings);
  db::Connection writer(database().app_dsn());
  const auto count = [this] {
    return database().exec_as_superuser("SELECT count(*) FROM audit_checkpoints").integer(0, 0);
  };
  const core::Seconds start = std::chrono::sys_days{std::chrono::year{2026} / 12 / 5};
  using std::chrono::seconds;

  append_events(3);
  checkpointer.on_commit(writer, 3, start);
  EXPECT_EQ(count(), 0) << "3 of 5 events, interval not over";
  append_events(2);
  checkpointer.on_commit(writer, 5, start + seconds(1));
  EXPECT_EQ(count(), 1) << "5 events reached";

  append_events(1);
  checkpointer.on_idle(writer, start + seconds(30));
  EXPECT_EQ(count(), 1) << "1 event waiting, interval not over";
  checkpointer.on_idle(writer, start + seconds(61));
  EXPECT_EQ(count(), 2) << "1 event waiting, interval over";
  checkpointer.on_idle(writer, start + seconds(200));
  EXPECT_EQ(count(), 2) << "no new events";

  EXPECT_EQ(database()
                .exec_as_superuser("SELECT max(tree_size) FROM audit_checkpoints")
                .integer(0, 0),
            6);
  const auto lines = read_file(checkpoint_file());
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2);
  const auto result = verify();
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

class AuditProof : public AuditIntegrity {
 protected:
  /// Runs the independent verifier on `proof`, with the public key that
  /// `prove` saved unless `with_key` is false; returns its exit code and output.
  CommandResult verify_offline(const json& proof, bool with_key = true) {
    write_file(folder_ / "proof.json", proof.dump());
    const std::string key_option =
        with_key ? " --public-key " + (folder_ / "public.pem").string() : "";
    return run(std::string("/usr/bin/python3 ") + TELEHEALTH_SOURCE_DIR +
               "/tests/audit_proof/verify_proof.py " + (folder_ / "proof.json").string() +
               key_option);
  }

  json prove(int seq) {
    const auto public_key = telehealth("audit public-key");
    EXPECT_EQ(public_key.exit_code, 0) << public_key.output;
    write_file(folder_ / "public.pem", public_key.output);
    const auto result = telehealth("audit prove " + event_id(seq));
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return json::parse(result.output);
  }
};

TEST_F(AuditProof, ProofVerifiesOffline) {
  append_events(10);
  append_events(1, "a1,b2,c3");
  append_events(14);
  checkpoint_now();
  for (const int seq : {1, 11, 16, 25}) {
    const json proof = prove(seq);
    EXPECT_EQ(proof["leaf_index"], seq - 1);
    EXPECT_EQ(proof["checkpoint"]["tree_size"], 25);
    const auto result = verify_offline(proof);
    EXPECT_EQ(result.exit_code, 0) << "seq " << seq << ": " << result.output;
    EXPECT_NE(result.output.find("OK: event " + event_id(seq)), std::string::npos) << result.output;
  }

  // Without the key kept off the machine, only the proof's own key vouches
  // for the signature, which proves nothing about who signed.
  const auto unkeyed = verify_offline(prove(11), false);
  EXPECT_EQ(unkeyed.exit_code, 2) << unkeyed.output;
  EXPECT_EQ(unkeyed.output.rfind("UNVERIFIED SIGNER: event " + event_id(11), 0), 0u)
      << unkeyed.output;
}

TEST_F(AuditProof, TamperedProofsFail) {
  append_events(25);
  checkpoint_now();
  const json proof = prove(11);
  ASSERT_EQ(verify_offline(proof).exit_code, 0);

  const auto flip_hex = [](std::string hex) {
    hex[0] = hex[0] == '0' ? '1' : '0';
    return hex;
  };
  std::vector<std::pair<std::string, json>> tampered;
  json path_bit = proof;
  path_bit["inclusion_path"][1] = flip_hex(path_bit["inclusion_path"][1].get<std::string>());
  tampered.emplace_back("one bit of a path hash", path_bit);
  json index = proof;
  index["leaf_index"] = 11;
  tampered.emplace_back("wrong index", index);
  json root = proof;
  root["checkpoint"]["root_hash"] = flip_hex(root["checkpoint"]["root_hash"].get<std::string>());
  tampered.emplace_back("wrong root", root);
  json signature = proof;
  auto raw_signature = crypto::base64_decode(signature["checkpoint"]["signature"].get<std::string>()).value();
  raw_signature[10] ^= 0x01;
  signature["checkpoint"]["signature"] = crypto::base64_encode(raw_signature);
  tampered.emplace_back("wrong signature", signature);
  json field = proof;
  field["event"]["actor_role"] = "admin";
  tampered.emplace_back("changed event field", field);
  json size = proof;
  size["checkpoint"]["tree_size"] = 24;
  tampered.emplace_back("wrong tree size", size);

  for (const auto& [name, changed] : tampered) {
    const auto result = verify_offline(changed);
    EXPECT_EQ(result.exit_code, 1) << name << ": " << result.output;
    EXPECT_NE(result.output.find("FAILED:"), std::string::npos) << name << ": " << result.output;
  }
}

TEST_F(AuditProof, ProveRejectsUnknownAndUncoveredEvents) {
  append_events(3);
  const auto uncovered = telehealth("audit prove " + event_id(2));
  EXPECT_EQ(uncovered.exit_code, 1);
  EXPECT_NE(uncovered.output.find("no checkpoint yet"), std::string::npos) << uncovered.output;
  checkpoint_now();
  const auto unknown = telehealth("audit prove 00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.output.find("no audit event has id"), std::string::npos) << unknown.output;
  const auto invalid = telehealth("audit prove not-a-uuid");
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_NE(invalid.output.find("is not a UUID"), std::string::npos) << invalid.output;
}

}  // namespace
}  // namespace telehealth::audit
