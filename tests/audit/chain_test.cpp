#include "audit/chain.hpp"

#include <gtest/gtest.h>

#include "crypto/encoding.hpp"

namespace telehealth::audit {
namespace {

using namespace std::chrono;

StoredEvent sample() {
  StoredEvent stored;
  stored.seq = 7;
  stored.id = "5b0e4f3a-9c1d-4e2f-8a7b-6c5d4e3f2a1b";
  stored.occurred_at = sys_days{2026y / December / 4} + 9h;
  stored.event.event_type = "records.read";
  stored.event.actor_id = "0b8e2f6c-51b1-4c1e-9a7d-3f0c2d4e5a6b";
  stored.event.actor_role = "clinician";
  stored.event.patient_id = "1c9f3e7d-62a2-4d2f-8b8e-4a1d3e5f6b7c";
  stored.event.record_type = "records";
  stored.outcome_text = "allowed";
  stored.event.client_ip = "127.0.0.1";
  stored.event.user_agent = "test";
  stored.event.request_id = "abc";
  stored.prev_hash = std::string(32, '\x11');
  return stored;
}

TEST(ChainHash, IsDeterministicSha256) {
  EXPECT_EQ(chain_hash(sample()), chain_hash(sample()));
  EXPECT_EQ(chain_hash(sample()).size(), 32u);
}

TEST(ChainHash, BindsPreviousHash) {
  auto changed = sample();
  changed.prev_hash[0] = '\x12';
  EXPECT_NE(chain_hash(changed), chain_hash(sample()));
}

TEST(ChainHash, EveryFieldChangesHash) {
  const auto base = chain_hash(sample());
  const std::vector<void (*)(StoredEvent&)> edits = {
      [](StoredEvent& e) { e.seq = 8; },
      [](StoredEvent& e) { e.id[0] = '6'; },
      [](StoredEvent& e) { e.occurred_at += seconds(1); },
      [](StoredEvent& e) { e.event.event_type = "records.write"; },
      [](StoredEvent& e) { e.event.actor_id = std::nullopt; },
      [](StoredEvent& e) { e.event.actor_role = "patient"; },
      [](StoredEvent& e) { e.event.patient_id = std::nullopt; },
      [](StoredEvent& e) { e.event.record_type = "encounter"; },
      [](StoredEvent& e) { e.event.record_id = "x"; },
      [](StoredEvent& e) { e.outcome_text = "denied"; },
      [](StoredEvent& e) { e.event.client_ip = "127.0.0.2"; },
      [](StoredEvent& e) { e.event.user_agent = "other"; },
      [](StoredEvent& e) { e.event.request_id = "abd"; },
  };
  for (std::size_t i = 0; i < edits.size(); ++i) {
    auto changed = sample();
    edits[i](changed);
    EXPECT_NE(chain_hash(changed), base) << "edit " << i << " did not change the hash";
  }
}

TEST(ChainHash, NullDiffersFromEmpty) {
  auto with_null = sample();
  with_null.event.record_id = std::nullopt;
  auto with_empty = sample();
  with_empty.event.record_id = std::string();
  EXPECT_NE(chain_hash(with_null), chain_hash(with_empty));
}

TEST(ChainHash, FieldBoundariesAreUnambiguous) {
  // "ab" + "c" and "a" + "bc" must not encode alike.
  auto first = sample();
  first.event.client_ip = "ab";
  first.event.user_agent = "c";
  auto second = sample();
  second.event.client_ip = "a";
  second.event.user_agent = "bc";
  EXPECT_NE(chain_hash(first), chain_hash(second));
}

TEST(ChainHash, MatchesEncodingWithoutEpisode) {
  // Computed with Python's hashlib from the documented encoding, before the
  // break-glass field existed: rows stored then must still verify.
  const auto hash = chain_hash(sample());
  EXPECT_EQ(crypto::hex_encode(crypto::as_byte_view(hash)),
            "8eb03d2ef3555b99e9aebbfad626f8c4d61740409bf99f48a34dd432216b84ff");
}

TEST(ChainHash, EpisodeIdChangesHash) {
  auto flagged = sample();
  flagged.event.break_glass_id = "2d0a4b6c-8e1f-4a3b-9c5d-7e6f8a9b0c1d";
  auto other = flagged;
  other.event.break_glass_id = "2d0a4b6c-8e1f-4a3b-9c5d-7e6f8a9b0c1e";
  EXPECT_NE(chain_hash(flagged), chain_hash(sample()));
  EXPECT_NE(chain_hash(flagged), chain_hash(other));
}

}  // namespace
}  // namespace telehealth::audit
