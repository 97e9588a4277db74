#include "audit/merkle.hpp"

#include <algorithm>
#include <bit>

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace telehealth::audit::merkle {

namespace {

struct MdFree {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
struct MdContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

Hash digest(std::span<const std::uint8_t> data) { return sha256(data); }

// The largest power of two smaller than n, for n > 1 (RFC 9162 section 2.1.1).
std::uint64_t split_point(std::uint64_t n) { return std::bit_floor(n - 1); }

void subproof(std::uint64_t m, std::span<const Hash> leaves, bool complete,
              std::vector<Hash>& out) {
  const std::uint64_t n = leaves.size();
  if (m == n) {
    if (!complete) out.push_back(root_of(leaves));
    return;
  }
  const std::uint64_t k = split_point(n);
  if (m <= k) {
    subproof(m, leaves.first(k), complete, out);
    out.push_back(root_of(leaves.subspan(k)));
  } else {
    subproof(m - k, leaves.subspan(k), false, out);
    out.push_back(root_of(leaves.first(k)));
  }
}

// Shifts both indexes right until `first` is odd or zero.
void shift_while_even(std::uint64_t& first, std::uint64_t& second) {
  while (first != 0 && (first & 1) == 0) {
    first >>= 1;
    second >>= 1;
  }
}

}  // namespace

Hash sha256(std::span<const std::uint8_t> data) {
  static const std::unique_ptr<EVP_MD, MdFree> algorithm(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  thread_local const std::unique_ptr<EVP_MD_CTX, MdContextFree> context(EVP_MD_CTX_new());
  Hash out{};
  unsigned int length = 0;
  if (!algorithm || !context || EVP_DigestInit_ex2(context.get(), algorithm.get(), nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), out.data(), &length) != 1 || length != out.size()) {
    throw std::runtime_error("SHA-256 failed in OpenSSL");
  }
  return out;
}

Hash leaf_hash(std::span<const std::uint8_t> data) {
  // Audit leaves are 32-byte chain hashes: hash them without a heap
  // allocation, because `audit verify` does this once per event.
  if (data.size() <= 64) {
    std::array<std::uint8_t, 65> input{};
    std::copy(data.begin(), data.end(), input.begin() + 1);
    return digest(std::span(input).first(data.size() + 1));
  }
  std::vector<std::uint8_t> input;
  input.reserve(data.size() + 1);
  input.push_back(0x00);
  input.insert(input.end(), data.begin(), data.end());
  return digest(input);
}

Hash node_hash(const Hash& left, const Hash& right) {
  std::array<std::uint8_t, 65> input{};
  input[0] = 0x01;
  std::copy(left.begin(), left.end(), input.begin() + 1);
  std::copy(right.begin(), right.end(), input.begin() + 33);
  return digest(input);
}

Hash empty_root() { return digest({}); }

std::optional<Frontier> Frontier::parse(std::uint64_t size, std::span<const std::uint8_t> hashes) {
  const auto count = static_cast<std::size_t>(std::popcount(size));
  if (hashes.size() != count * 32) return std::nullopt;
  Frontier frontier;
  frontier.size_ = size;
  for (std::size_t i = 0; i < count; ++i) {
    Hash hash{};
    std::copy_n(hashes.begin() + static_cast<std::ptrdiff_t>(i * 32), 32, hash.begin());
    frontier.subtrees_.push_back(hash);
  }
  return frontier;
}

void Frontier::append_leaf_hash(const Hash& leaf) {
  subtrees_.push_back(leaf);
  // Each trailing one bit of the old size is a perfect subtree of the same
  // height as the one just completed, so the two merge, like a carry.
  for (std::uint64_t carry = size_; (carry & 1) != 0; carry >>= 1) {
    const Hash right = subtrees_.back();
    subtrees_.pop_back();
    subtrees_.back() = node_hash(subtrees_.back(), right);
  }
  ++size_;
}

Hash Frontier::root() const {
  if (subtrees_.empty()) return empty_root();
  // The tree's right edge: the smallest subtree is the deepest right child.
  Hash root = subtrees_.back();
  for (auto it = subtrees_.rbegin() + 1; it != subtrees_.rend(); ++it) root = node_hash(*it, root);
  return root;
}

std::vector<std::uint8_t> Frontier::serialize() const {
  std::vector<std::uint8_t> out;
  out.reserve(subtrees_.size() * 32);
  for (const auto& hash : subtrees_) out.insert(out.end(), hash.begin(), hash.end());
  return out;
}

Hash root_of(std::span<const Hash> leaves) {
  Frontier frontier;
  for (const auto& leaf : leaves) frontier.append_leaf_hash(leaf);
  return frontier.root();
}

std::vector<Hash> inclusion_proof(std::uint64_t index, std::span<const Hash> leaves) {
  std::vector<Hash> path;
  // Walk from the root down, collecting siblings; the proof lists them from
  // the leaf up, so reverse at the end.
  std::uint64_t m = index;
  while (leaves.size() > 1) {
    const std::uint64_t k = split_point(leaves.size());
    if (m < k) {
      path.push_back(root_of(leaves.subspan(k)));
      leaves = leaves.first(k);
    } else {
      path.push_back(root_of(leaves.first(k)));
      leaves = leaves.subspan(k);
      m -= k;
    }
  }
  return {path.rbegin(), path.rend()};
}

bool verify_inclusion(std::uint64_t index, std::uint64_t tree_size, const Hash& leaf,
                      std::span<const Hash> proof, const Hash& root) {
  if (index >= tree_size) return false;
  std::uint64_t fn = index;
  std::uint64_t sn = tree_size - 1;
  Hash r = leaf;
  for (const auto& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      r = node_hash(p, r);
      if ((fn & 1) == 0) shift_while_even(fn, sn);
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

std::vector<Hash> consistency_proof(std::uint64_t old_size, std::span<const Hash> leaves) {
  std::vector<Hash> proof;
  subproof(old_size, leaves, true, proof);
  return proof;
}

bool verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root,
                        const Hash& new_root, std::span<const Hash> proof) {
  if (old_size == 0 || old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (proof.empty()) return false;

  std::vector<Hash> path(proof.begin(), proof.end());
  if (std::has_single_bit(old_size)) path.insert(path.begin(), old_root);
  std::uint64_t fn = old_size - 1;
  std::uint64_t sn = new_size - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path.front();
  Hash sr = path.front();
  for (auto it = path.begin() + 1; it != path.end(); ++it) {
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      fr = node_hash(*it, fr);
      sr = node_hash(*it, sr);
      if ((fn & 1) == 0) shift_while_even(fn, sn);
    } else {
      sr = node_hash(sr, *it);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

std::string to_hex(const Hash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (const auto byte : hash) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xf];
  }
  return out;
}

std::optional<Hash> from_hex(std::string_view text) {
  if (text.size() != 64) return std::nullopt;
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Hash hash{};
  for (std::size_t i = 0; i < 32; ++i) {
    const int high = nibble(text[2 * i]);
    const int low = nibble(text[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    hash[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return hash;
}

}  // namespace telehealth::audit::merkle
