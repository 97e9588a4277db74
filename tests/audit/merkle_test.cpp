#include "audit/merkle.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace telehealth::audit::merkle {
namespace {

// The expected values below come from this independent Python 3 transcript
// of RFC 9162 section 2.1, not from the code under test. They also match
// the RFC 6962 test vectors of the Certificate Transparency projects.
//
//   import hashlib
//   H = lambda b: hashlib.sha256(b).digest()
//   def k_of(n):
//       k = 1
//       while k * 2 < n: k *= 2
//       return k
//   def mth(d):
//       if not d: return H(b'')
//       if len(d) == 1: return H(b'\x00' + d[0])
//       k = k_of(len(d)); return H(b'\x01' + mth(d[:k]) + mth(d[k:]))
//   def path(m, d):
//       if len(d) == 1: return []
//       k = k_of(len(d))
//       return path(m, d[:k]) + [mth(d[k:])] if m < k else path(m - k, d[k:]) + [mth(d[:k])]
//   def subproof(m, d, b):
//       if m == len(d): return [] if b else [mth(d)]
//       k = k_of(len(d))
//       if m <= k: return subproof(m, d[:k], b) + [mth(d[k:])]
//       return subproof(m - k, d[k:], False) + [mth(d[:k])]
//   leaves = [bytes.fromhex(x) for x in ["", "00", "10", "2021", "3031", "40414243",
//             "5051525354555657", "606162636465666768696a6b6c6d6e6f"]]

const std::vector<std::string> kLeafHex = {
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f"};

// mth(leaves[:n]) for n = 1 .. 8.
const std::vector<std::string> kRoots = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

std::vector<std::uint8_t> unhex(const std::string& text) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::vector<Hash> leaf_hashes(std::size_t count) {
  std::vector<Hash> out;
  for (std::size_t i = 0; i < count; ++i) out.push_back(leaf_hash(unhex(kLeafHex[i])));
  return out;
}

Hash h(const std::string& hex) { return from_hex(hex).value(); }

std::vector<std::string> hexes(const std::vector<Hash>& hashes) {
  std::vector<std::string> out;
  for (const auto& hash : hashes) out.push_back(to_hex(hash));
  return out;
}

TEST(Merkle, EmptyTreeRootIsSha256OfNothing) {
  EXPECT_EQ(to_hex(Frontier().root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Merkle, FrontierRootsMatchKnownVectors) {
  Frontier frontier;
  for (std::size_t n = 1; n <= kLeafHex.size(); ++n) {
    frontier.append_data(unhex(kLeafHex[n - 1]));
    EXPECT_EQ(frontier.size(), n);
    EXPECT_EQ(to_hex(frontier.root()), kRoots[n - 1]) << "tree size " << n;
    EXPECT_EQ(to_hex(root_of(leaf_hashes(n))), kRoots[n - 1]) << "tree size " << n;
  }
}

TEST(Merkle, FrontierHoldsOneHashPerSetBit) {
  Frontier frontier;
  for (std::size_t n = 1; n <= 7; ++n) frontier.append_data(unhex(kLeafHex[n - 1]));
  EXPECT_EQ(frontier.serialize().size(), 3u * 32u);
}

TEST(Merkle, ParsedFrontierContinuesTheTree) {
  Frontier first;
  for (std::size_t n = 1; n <= 5; ++n) first.append_data(unhex(kLeafHex[n - 1]));
  auto resumed = Frontier::parse(5, first.serialize());
  ASSERT_TRUE(resumed.has_value());
  for (std::size_t n = 6; n <= 8; ++n) resumed->append_data(unhex(kLeafHex[n - 1]));
  EXPECT_EQ(to_hex(resumed->root()), kRoots[7]);
}

TEST(Merkle, ParseRejectsWrongHashCount) {
  EXPECT_FALSE(Frontier::parse(5, std::vector<std::uint8_t>(32)).has_value());
  EXPECT_FALSE(Frontier::parse(5, std::vector<std::uint8_t>(65)).has_value());
  EXPECT_TRUE(Frontier::parse(5, std::vector<std::uint8_t>(64)).has_value());
}

TEST(Merkle, InclusionProofsMatchKnownVectors) {
  const auto leaves = leaf_hashes(8);
  EXPECT_EQ(hexes(inclusion_proof(0, leaves)),
            (std::vector<std::string>{
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}));
  EXPECT_EQ(hexes(inclusion_proof(5, leaves)),
            (std::vector<std::string>{
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}));
  EXPECT_EQ(hexes(inclusion_proof(2, std::span(leaves).first(3))),
            (std::vector<std::string>{
                "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}));
  EXPECT_EQ(hexes(inclusion_proof(6, std::span(leaves).first(7))),
            (std::vector<std::string>{
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}));
  EXPECT_TRUE(inclusion_proof(0, std::span(leaves).first(1)).empty());
}

TEST(Merkle, EveryInclusionProofVerifies) {
  const auto all = leaf_hashes(8);
  for (std::size_t n = 1; n <= 8; ++n) {
    const auto leaves = std::span(all).first(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto proof = inclusion_proof(i, leaves);
      EXPECT_TRUE(verify_inclusion(i, n, leaves[i], proof, h(kRoots[n - 1])))
          << "leaf " << i << " of " << n;
    }
  }
}

TEST(Merkle, InclusionRejectsTampering) {
  const auto leaves = leaf_hashes(8);
  const auto proof = inclusion_proof(5, leaves);
  const Hash root = h(kRoots[7]);
  ASSERT_TRUE(verify_inclusion(5, 8, leaves[5], proof, root));

  auto flipped = proof;
  flipped[1][0] ^= 0x01;
  EXPECT_FALSE(verify_inclusion(5, 8, leaves[5], flipped, root));
  EXPECT_FALSE(verify_inclusion(4, 8, leaves[5], proof, root));
  // A tree size alone can share the path's shape (7 and 8 do here), so the
  // check that fails is against the root signed with that size.
  EXPECT_FALSE(verify_inclusion(5, 7, leaves[5], proof, h(kRoots[6])));
  EXPECT_FALSE(verify_inclusion(5, 6, leaves[5], proof, h(kRoots[5])));
  EXPECT_FALSE(verify_inclusion(8, 8, leaves[5], proof, root));
  EXPECT_FALSE(verify_inclusion(5, 8, leaves[4], proof, root));
  EXPECT_FALSE(verify_inclusion(5, 8, leaves[5], proof, h(kRoots[6])));
  auto shorter = proof;
  shorter.pop_back();
  EXPECT_FALSE(verify_inclusion(5, 8, leaves[5], shorter, root));
  auto longer = proof;
  longer.push_back(root);
  EXPECT_FALSE(verify_inclusion(5, 8, leaves[5], longer, root));
}

TEST(Merkle, ConsistencyProofsMatchKnownVectors) {
  const auto leaves = leaf_hashes(8);
  EXPECT_EQ(hexes(consistency_proof(3, std::span(leaves).first(7))),
            (std::vector<std::string>{
                "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
                "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
                "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"}));
  EXPECT_EQ(hexes(consistency_proof(4, leaves)),
            (std::vector<std::string>{
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}));
  EXPECT_EQ(hexes(consistency_proof(6, leaves)),
            (std::vector<std::string>{
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}));
}

TEST(Merkle, EveryConsistencyProofVerifies) {
  const auto all = leaf_hashes(8);
  for (std::size_t n = 1; n <= 8; ++n) {
    for (std::size_t m = 1; m <= n; ++m) {
      const auto proof = consistency_proof(m, std::span(all).first(n));
      EXPECT_TRUE(verify_consistency(m, n, h(kRoots[m - 1]), h(kRoots[n - 1]), proof))
          << m << " -> " << n;
    }
  }
}

TEST(Merkle, ConsistencyRejectsTampering) {
  const auto leaves = leaf_hashes(8);
  const auto proof = consistency_proof(3, std::span(leaves).first(7));
  const Hash old_root = h(kRoots[2]);
  const Hash new_root = h(kRoots[6]);
  ASSERT_TRUE(verify_consistency(3, 7, old_root, new_root, proof));
  auto flipped = proof;
  flipped[2][31] ^= 0x80;
  EXPECT_FALSE(verify_consistency(3, 7, old_root, new_root, flipped));
  EXPECT_FALSE(verify_consistency(3, 7, h(kRoots[3]), new_root, proof));
  EXPECT_FALSE(verify_consistency(3, 7, old_root, h(kRoots[7]), proof));
  EXPECT_FALSE(verify_consistency(4, 7, old_root, new_root, proof));
  EXPECT_FALSE(verify_consistency(3, 7, old_root, new_root, {}));
  EXPECT_FALSE(verify_consistency(0, 7, old_root, new_root, proof));
}

TEST(Merkle, HexRoundTripAndRejects) {
  EXPECT_EQ(to_hex(h(kRoots[0])), kRoots[0]);
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex(std::string(64, 'g')).has_value());
}

}  // namespace
}  // namespace telehealth::audit::merkle
