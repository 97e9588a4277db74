#include "audit/checkpoint.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "audit/chain.hpp"
#include "audit/log_verifier.hpp"
#include "crypto/encoding.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"

namespace telehealth::audit {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono;

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() /
              ("th_checkpoint_" + crypto::hex_encode(crypto::random_bytes(8)));
    fs::create_directories(folder_);
    keyring_.emplace(crypto::Keyring::open_or_create(folder_ / "keyring.json"));
  }
  void TearDown() override { fs::remove_all(folder_); }

  Checkpoint signed_sample() {
    Checkpoint checkpoint;
    checkpoint.chain = "main";
    checkpoint.tree_size = 42;
    checkpoint.root_hash.fill(0xab);
    checkpoint.signed_at = sys_days{2026y / December / 5} + 1h + 2min + 3s;
    checkpoint.key_id = key_id_of(keyring_->audit_signing_public_key());
    checkpoint.signature =
        keyring_->sign_audit_message(crypto::as_byte_view(checkpoint_message(checkpoint)));
    return checkpoint;
  }

  fs::path folder_;
  std::optional<crypto::Keyring> keyring_;
};

TEST_F(CheckpointTest, MessageHasFixedLayout) {
  auto checkpoint = signed_sample();
  checkpoint.key_id = "0123456789abcdef";
  EXPECT_EQ(checkpoint_message(checkpoint),
            "telehealth-audit-checkpoint/v1\n"
            "chain=main\n"
            "tree_size=42\n"
            "root_hash=abababababababababababababababababababababababababababababababab\n"
            "signed_at=2026-12-05T01:02:03Z\n"
            "key_id=0123456789abcdef\n");
}

TEST_F(CheckpointTest, KeyIdIsSha256Prefix) {
  const auto& key = keyring_->audit_signing_public_key();
  EXPECT_EQ(key_id_of(key), crypto::sha256_hex(key).substr(0, 16));
}

TEST_F(CheckpointTest, SignatureVerifiesWithPublicKeyOnly) {
  const auto checkpoint = signed_sample();
  EXPECT_TRUE(signature_valid(checkpoint, keyring_->audit_signing_public_key()));

  auto changed_size = checkpoint;
  changed_size.tree_size = 43;
  EXPECT_FALSE(signature_valid(changed_size, keyring_->audit_signing_public_key()));
  auto changed_root = checkpoint;
  changed_root.root_hash[31] ^= 1;
  EXPECT_FALSE(signature_valid(changed_root, keyring_->audit_signing_public_key()));
  auto changed_time = checkpoint;
  changed_time.signed_at += 1s;
  EXPECT_FALSE(signature_valid(changed_time, keyring_->audit_signing_public_key()));

  const auto other = crypto::Keyring::open_or_create(folder_ / "other.json");
  EXPECT_FALSE(signature_valid(checkpoint, other.audit_signing_public_key()));
}

TEST_F(CheckpointTest, JsonLineRoundTrips) {
  const auto checkpoint = signed_sample();
  std::string error;
  const auto parsed = checkpoint_from_json(nlohmann::json::parse(to_json(checkpoint).dump()), error);
  ASSERT_TRUE(parsed.has_value()) << error;
  EXPECT_EQ(checkpoint_message(*parsed), checkpoint_message(checkpoint));
  EXPECT_EQ(parsed->signature, checkpoint.signature);

  auto bad = to_json(checkpoint);
  bad["root_hash"] = "xyz";
  EXPECT_FALSE(checkpoint_from_json(bad, error).has_value());
  EXPECT_EQ(error, "\"root_hash\" is not 64 hex digits");
  bad = to_json(checkpoint);
  bad.erase("tree_size");
  EXPECT_FALSE(checkpoint_from_json(bad, error).has_value());
}

TEST_F(CheckpointTest, PublicKeyPemRoundTrips) {
  const auto& key = keyring_->audit_signing_public_key();
  const auto pem = public_key_pem(key);
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA", 0), 0u) << pem;
  EXPECT_EQ(parse_public_key_pem(pem), key);
  EXPECT_FALSE(parse_public_key_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
                   .has_value());
  EXPECT_FALSE(parse_public_key_pem("not a key").has_value());
}

TEST_F(CheckpointTest, FileLinesAppendWithMode0600) {
  const auto file = folder_ / "checkpoints.jsonl";
  append_checkpoint_line(file, signed_sample());
  append_checkpoint_line(file, signed_sample());
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::ifstream in(file);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    std::string error;
    EXPECT_TRUE(checkpoint_from_json(nlohmann::json::parse(line), error).has_value()) << error;
    ++lines;
  }
  EXPECT_EQ(lines, 2);
}

StoredEvent sample_event() {
  StoredEvent stored;
  stored.chain = "main";
  stored.seq = 1234567;
  stored.id = "5b0e4f3a-9c1d-4e2f-8a7b-6c5d4e3f2a1b";
  stored.occurred_at = sys_days{2026y / December / 4} + 9h + 5min + 7s;
  stored.event.event_type = "records.search";
  stored.event.actor_id = "0b8e2f6c-51b1-4c1e-9a7d-3f0c2d4e5a6b";
  stored.event.actor_role = "clinician";
  stored.event.record_id = "";
  stored.outcome_text = "allowed";
  stored.event.client_ip = "127.0.0.1";
  stored.event.user_agent = "agent ü";
  stored.event.request_id = "abc";
  stored.prev_hash = std::string(32, '\x11');
  return stored;
}

std::string fast_hash(const StoredEvent& stored) {
  RawEvent raw;
  raw.prev_hash = stored.prev_hash;
  raw.seq = stored.seq;
  raw.id = stored.id;
  raw.occurred_at_unix_micros = core::to_unix(stored.occurred_at) * 1000000;
  raw.event_type = stored.event.event_type;
  const auto view = [](const std::optional<std::string>& value) -> std::optional<std::string_view> {
    if (!value) return std::nullopt;
    return std::string_view(*value);
  };
  raw.actor_id = view(stored.event.actor_id);
  raw.actor_role = view(stored.event.actor_role);
  raw.patient_id = view(stored.event.patient_id);
  raw.record_type = view(stored.event.record_type);
  raw.record_id = view(stored.event.record_id);
  raw.outcome = stored.outcome_text;
  raw.client_ip = stored.event.client_ip;
  raw.user_agent = stored.event.user_agent;
  raw.request_id = stored.event.request_id;
  raw.break_glass_id = view(stored.event.break_glass_id);
  raw.result_ids = view(stored.event.result_ids);
  std::string encoded;
  encode_event(raw, encoded);
  const auto digest = crypto::sha256(crypto::as_byte_view(encoded));
  return {digest.begin(), digest.end()};
}

TEST(EncodeEvent, MatchesChainHash) {
  auto stored = sample_event();
  EXPECT_EQ(fast_hash(stored), chain_hash(stored));
  stored.event.break_glass_id = "9d1f3e7d-62a2-4d2f-8b8e-4a1d3e5f6b7c";
  EXPECT_EQ(fast_hash(stored), chain_hash(stored));
  stored.event.result_ids = "a,b,c";
  EXPECT_EQ(fast_hash(stored), chain_hash(stored));
  stored.event.break_glass_id = std::nullopt;
  EXPECT_EQ(fast_hash(stored), chain_hash(stored));
  stored.occurred_at = sys_days{1999y / January / 1};
  EXPECT_EQ(fast_hash(stored), chain_hash(stored));
}

}  // namespace
}  // namespace telehealth::audit
