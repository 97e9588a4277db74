#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

// The Merkle tree of RFC 9162 (Certificate Transparency 2.0) section 2.1 over
// one audit chain: leaf k - 1 is the stored 32-byte chain hash of event seq k,
// which already binds every field of the event and its predecessor.
//
//   leaf hash  SHA-256(0x00 || leaf data)
//   node hash  SHA-256(0x01 || left || right)
//   MTH({})    SHA-256 of the empty string

namespace telehealth::audit::merkle {

using Hash = std::array<std::uint8_t, 32>;

/// Computes SHA-256 with an algorithm fetched once and a context reused per
/// thread. OpenSSL 3's one-shot SHA256() fetches the algorithm on every call,
/// which makes it several times slower for the short inputs hashed here.
Hash sha256(std::span<const std::uint8_t> data);

Hash leaf_hash(std::span<const std::uint8_t> data);
Hash node_hash(const Hash& left, const Hash& right);
/// The root of the tree with no leaves, SHA-256("").
Hash empty_root();

/// The compact frontier of a tree: the roots of its perfect subtrees, left
/// to right, one for each set bit of the tree size, so at most 64. It is
/// enough to append more leaves and to compute the root, so a checkpoint that
/// stores it lets the next one read only the newer leaves.
class Frontier {
 public:
  Frontier() = default;

  /// Rebuilds a frontier from its serialised form. Returns nullopt unless
  /// `hashes` contains exactly popcount(size) hashes of 32 bytes.
  static std::optional<Frontier> parse(std::uint64_t size, std::span<const std::uint8_t> hashes);

  /// Appends one leaf, given as its leaf hash (leaf_hash of the data).
  void append_leaf_hash(const Hash& leaf);
  void append_data(std::span<const std::uint8_t> data) { append_leaf_hash(leaf_hash(data)); }

  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }
  /// The tree head MTH of RFC 9162 section 2.1.1 over every leaf appended.
  [[nodiscard]] Hash root() const;
  /// The subtree roots concatenated left to right (32 bytes each).
  [[nodiscard]] std::vector<std::uint8_t> serialize() const;

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> subtrees_;
};

/// Computes MTH over `leaves`, given as leaf hashes.
Hash root_of(std::span<const Hash> leaves);

/// Builds the inclusion proof PATH(index, D[0:n]) of RFC 9162 section 2.1.3.1
/// for the leaf at `index` in the tree of the leaves given (as leaf hashes).
/// Requires index < leaves.size().
std::vector<Hash> inclusion_proof(std::uint64_t index, std::span<const Hash> leaves);

/// Verifies an inclusion proof with the algorithm of RFC 9162 section 2.1.3.2.
bool verify_inclusion(std::uint64_t index, std::uint64_t tree_size, const Hash& leaf,
                      std::span<const Hash> proof, const Hash& root);

/// Builds the consistency proof PROOF(m, D[0:n]) of RFC 9162 section 2.1.4.1
/// between the tree of the first `old_size` leaves and the tree of all of
/// them. Requires 0 < old_size <= leaves.size().
std::vector<Hash> consistency_proof(std::uint64_t old_size, std::span<const Hash> leaves);

/// Verifies a consistency proof with the algorithm of RFC 9162 section
/// 2.1.4.2.
bool verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root,
                        const Hash& new_root, std::span<const Hash> proof);

std::string to_hex(const Hash& hash);
/// Parses 64 hex digits (either case); nullopt otherwise.
std::optional<Hash> from_hex(std::string_view text);

}  // namespace telehealth::audit::merkle
