#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "crypto/aead.hpp"
#include "crypto/bytes.hpp"
#include "crypto/secret.hpp"

namespace telehealth::crypto {

/// Raised when the keyring file cannot be read, created or rewritten, is
/// invalid or has unsafe permissions, or lacks a requested key version. The
/// message names the file.
class KeyringError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A data key sealed with AES-256-GCM under one version of the key-encryption
/// key. Store both fields next to the data that the key encrypts.
struct WrappedKey {
  int kek_version = 0;
  Bytes sealed;
};

using Ed25519PublicKey = std::array<std::uint8_t, 32>;
using Ed25519Signature = std::array<std::uint8_t, 64>;

/// Returns a new random 256-bit data key for seal() and open().
SecretBytes new_data_key();

/// Key-encryption keys (KEKs) for envelope encryption, and the Ed25519 key
/// pair that signs audit checkpoints, stored in one JSON file with mode 0600:
///
///   {"format": 1, "active": 2,
///    "keys": [{"version": 1, "key": "<base64, 32 bytes>", "created_at": "<UTC>"}, ...],
///    "audit_signing_key": {"algorithm": "Ed25519", "seed": "<base64, 32 bytes>",
///                          "created_at": "<UTC>"}}
///
/// Data is sealed under a per-record data key, and only the data key is
/// wrapped under the active KEK. Rotation adds a KEK version and keeps the old
/// ones, so that keys wrapped earlier still unwrap.
///
/// Const members may run concurrently. rotate() must not run concurrently with
/// any other member of the same object. Other processes that have the file
/// open keep their loaded copy until they reopen it.
///
/// TODO: add a PKCS#11 HSM keyring behind this same interface, so that the
/// KEKs and the signing key never leave the HSM.
class Keyring {
 public:
  /// Opens the keyring file at `path`, or creates it with one random KEK
  /// (version 1) and an audit signing key pair if it does not exist. Adds the
  /// signing key pair to an existing file that lacks one. Raises KeyringError
  /// if the file grants group or others any permission, is invalid, or
  /// cannot be read or written.
  static Keyring open_or_create(const std::filesystem::path& path);

  [[nodiscard]] int active_version() const noexcept { return active_version_; }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

  /// Seals `data_key` under the active KEK. `associated_data` binds the
  /// wrapped key to its owner, such as "patient_record:<uuid>", and must be
  /// passed again to unwrap().
  [[nodiscard]] WrappedKey wrap(const SecretBytes& data_key,
                                std::string_view associated_data) const;

  /// Opens a key sealed by wrap(). Raises KeyringError if the keyring has no
  /// KEK of `wrapped.kek_version`, and DecryptError if the sealed bytes or
  /// `associated_data` differ from what wrap() used.
  [[nodiscard]] SecretBytes unwrap(const WrappedKey& wrapped,
                                   std::string_view associated_data) const;

  /// Adds a random KEK one version above the highest, makes it active and
  /// rewrites the file atomically. Takes an exclusive lock on "<path>.lock"
  /// and rereads the file first, so that versions added by other processes
  /// are kept. Raises KeyringError if the file cannot be rewritten, and then
  /// leaves this object unchanged.
  void rotate();

  /// Returns the public half of the audit signing key pair.
  [[nodiscard]] const Ed25519PublicKey& audit_signing_public_key() const noexcept {
    return audit_public_key_;
  }

  /// Signs `message` with the audit signing key (Ed25519, RFC 8032). Verify
  /// with libsodium's crypto_sign_verify_detached and
  /// audit_signing_public_key().
  [[nodiscard]] Ed25519Signature sign_audit_message(ByteView message) const;

 private:
  struct Kek {
    SecretBytes key;
    std::string created_at;
  };

  Keyring() = default;

  static std::optional<Keyring> load(const std::filesystem::path& path);
  static std::optional<Keyring> create(const std::filesystem::path& path);
  static Keyring parse(const std::filesystem::path& path, const nlohmann::json& document);
  void parse_kek(const nlohmann::json& entry);
  void parse_audit_signing_key(const nlohmann::json& entry);
  [[nodiscard]] nlohmann::json to_json() const;

  void add_kek(int version);
  void set_audit_signing_seed(const SecretBytes& seed, std::string created_at);
  void add_audit_signing_key_if_missing();

  template <typename Change>
  void update_file(Change change);

  std::filesystem::path path_;
  int active_version_ = 0;
  std::map<int, Kek> keks_;
  SecretBytes audit_secret_key_;  // libsodium layout: seed (32 bytes) || public key (32 bytes)
  Ed25519PublicKey audit_public_key_{};
  std::string audit_key_created_at_;
};

}  // namespace telehealth::crypto
