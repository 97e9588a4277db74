#include "crypto/keyring.hpp"

#include <sodium.h>

#include <climits>
#include <ctime>
#include <utility>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "crypto/detail/keyring_file.hpp"
#include "crypto/detail/sodium_init.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

// NOTE: the file text and the parsed JSON document are zeroed after use, but
// nlohmann::json's parser and serializer make temporary copies of the base64
// keys that are freed without zeroing.

namespace telehealth::crypto {

namespace {

using nlohmann::json;

constexpr int keyring_format = 1;
constexpr std::size_t kek_size = 32;
constexpr std::size_t ed25519_seed_size = 32;

std::string current_utc_timestamp() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)));
}

// Binds the KEK version into the associated data, so that a wrapped key whose
// kek_version was changed fails authentication even under an identical key.
std::string kek_associated_data(int kek_version, std::string_view associated_data) {
  return fmt::format("telehealth-kek-v{}:{}", kek_version, associated_data);
}

void wipe_string(std::string& text) noexcept { sodium_memzero(text.data(), text.size()); }

void wipe_json_strings(json& value) {
  if (value.is_string()) {
    wipe_string(value.get_ref<std::string&>());
  }
  if (value.is_structured()) {
    for (json& child : value) {
      wipe_json_strings(child);
    }
  }
}

[[noreturn]] void throw_invalid(const std::filesystem::path& path, std::string_view problem) {
  throw KeyringError(fmt::format("keyring file {} is invalid: {}; restore it from a backup",
                                 path.string(), problem));
}

const json& require_field(const json& object, const char* name,
                          const std::filesystem::path& path) {
  const auto field = object.find(name);
  if (field == object.end()) {
    throw_invalid(path, fmt::format("field \"{}\" is missing", name));
  }
  return *field;
}

int require_version(const json& object, const char* name, const std::filesystem::path& path) {
  const json& field = require_field(object, name, path);
  if (!field.is_number_integer() || field.get<std::int64_t>() < 1 ||
      field.get<std::int64_t>() > INT_MAX) {
    throw_invalid(path, fmt::format("field \"{}\" must be an integer from 1 to {}", name, INT_MAX));
  }
  return field.get<int>();
}

std::string require_string(const json& object, const char* name,
                           const std::filesystem::path& path) {
  const json& field = require_field(object, name, path);
  if (!field.is_string()) {
    throw_invalid(path, fmt::format("field \"{}\" must be a string", name));
  }
  return field.get<std::string>();
}

// Decodes a base64 key field that must be exactly `size` bytes long.
SecretBytes require_key(const json& object, const char* name, std::size_t size,
                        const std::filesystem::path& path) {
  const json& field = require_field(object, name, path);
  std::optional<Bytes> decoded;
  if (field.is_string()) {
    decoded = base64_decode(field.get_ref<const std::string&>());
  }
  if (!decoded || decoded->size() != size) {
    throw_invalid(path, fmt::format("field \"{}\" must be {} bytes in base64", name, size));
  }
  SecretBytes key(*decoded);
  sodium_memzero(decoded->data(), decoded->size());
  return key;
}

// Parses the file text and zeroes it. The JSON library's own error message
// could quote the text, and so the keys, so only the fact is reported.
json parse_document(const std::filesystem::path& path, std::string& text) {
  json document = json::parse(text, nullptr, false);
  wipe_string(text);
  if (document.is_discarded()) {
    throw_invalid(path, "it is not valid JSON");
  }
  if (!document.is_object()) {
    throw_invalid(path, "the top level is not a JSON object");
  }
  return document;
}

}  // namespace

SecretBytes new_data_key() { return random_secret(aead_key_size); }

Keyring Keyring::open_or_create(const std::filesystem::path& path) {
  // A second pass covers another process creating the file between our
  // failed read and our exclusive create.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (std::optional<Keyring> keyring = load(path)) {
      keyring->add_audit_signing_key_if_missing();
      return std::move(*keyring);
    }
    if (std::optional<Keyring> keyring = create(path)) {
      return std::move(*keyring);
    }
  }
  throw KeyringError(fmt::format(
      "keyring file {} was created and removed again while opening it; check which other "
      "process manages that path",
      path.string()));
}

std::optional<Keyring> Keyring::load(const std::filesystem::path& path) {
  std::optional<std::string> text = detail::read_keyring_file(path);
  if (!text) {
    return std::nullopt;
  }
  json document = parse_document(path, *text);
  try {
    Keyring keyring = parse(path, document);
    wipe_json_strings(document);
    return keyring;
  } catch (...) {
    wipe_json_strings(document);
    throw;
  }
}

Keyring Keyring::parse(const std::filesystem::path& path, const json& document) {
  Keyring keyring;
  keyring.path_ = path;

  const json& format = require_field(document, "format", path);
  if (format != keyring_format) {
    throw_invalid(path, fmt::format("format {} is not supported, expected {}", format.dump(),
                                    keyring_format));
  }

  const json& keys = require_field(document, "keys", path);
  if (!keys.is_array() || keys.empty()) {
    throw_invalid(path, "field \"keys\" must be a non-empty array");
  }
  for (const json& entry : keys) {
    keyring.parse_kek(entry);
  }

  keyring.active_version_ = require_version(document, "active", path);
  if (!keyring.keks_.contains(keyring.active_version_)) {
    throw_invalid(path, fmt::format("active version {} has no entry in \"keys\"",
                                    keyring.active_version_));
  }

  if (document.contains("audit_signing_key")) {
    keyring.parse_audit_signing_key(document.at("audit_signing_key"));
  }
  return keyring;
}

void Keyring::parse_kek(const json& entry) {
  if (!entry.is_object()) {
    throw_invalid(path_, "each entry of \"keys\" must be a JSON object");
  }
  const int version = require_version(entry, "version", path_);
  if (keks_.contains(version)) {
    throw_invalid(path_, fmt::format("version {} appears twice in \"keys\"", version));
  }
  SecretBytes key = require_key(entry, "key", kek_size, path_);
  std::string created_at = require_string(entry, "created_at", path_);
  keks_.emplace(version, Kek{std::move(key), std::move(created_at)});
}

void Keyring::parse_audit_signing_key(const json& entry) {
  if (!entry.is_object()) {
    throw_invalid(path_, "field \"audit_signing_key\" must be a JSON object");
  }
  if (require_string(entry, "algorithm", path_) != "Ed25519") {
    throw_invalid(path_, "audit_signing_key.algorithm must be \"Ed25519\"");
  }
  const SecretBytes seed = require_key(entry, "seed", ed25519_seed_size, path_);
  set_audit_signing_seed(seed, require_string(entry, "created_at", path_));
}

json Keyring::to_json() const {
  json keys = json::array();
  for (const auto& [version, kek] : keks_) {
    json entry = json::object();
    entry["version"] = version;
    entry["key"] = base64_encode(kek.key.bytes());
    entry["created_at"] = kek.created_at;
    keys.push_back(std::move(entry));
  }

  json document = json::object();
  document["format"] = keyring_format;
  document["active"] = active_version_;
  document["keys"] = std::move(keys);
  if (!audit_secret_key_.empty()) {
    SecretBytes seed(ed25519_seed_size);
    crypto_sign_ed25519_sk_to_seed(seed.writable_bytes().data(), audit_secret_key_.bytes().data());
    json signing_key = json::object();
    signing_key["algorithm"] = "Ed25519";
    signing_key["seed"] = base64_encode(seed.bytes());
    signing_key["created_at"] = audit_key_created_at_;
    document["audit_signing_key"] = std::move(signing_key);
  }
  return document;
}

void Keyring::add_kek(int version) {
  keks_.emplace(version, Kek{random_secret(kek_size), current_utc_timestamp()});
}

void Keyring::set_audit_signing_seed(const SecretBytes& seed, std::string created_at) {
  detail::ensure_sodium_initialized();
  audit_secret_key_ = SecretBytes(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(audit_public_key_.data(), audit_secret_key_.writable_bytes().data(),
                           seed.bytes().data());
  audit_key_created_at_ = std::move(created_at);
}

std::optional<Keyring> Keyring::create(const std::filesystem::path& path) {
  Keyring keyring;
  keyring.path_ = path;
  keyring.add_kek(1);
  keyring.active_version_ = 1;
  keyring.set_audit_signing_seed(random_secret(ed25519_seed_size), current_utc_timestamp());

  json document = keyring.to_json();
  std::string text = document.dump(2) + "\n";
  wipe_json_strings(document);
  const bool created = detail::create_keyring_file(path, text);
  wipe_string(text);
  if (!created) {
    return std::nullopt;
  }
  return keyring;
}

// Runs `change` on a fresh copy of the file, read under the lock, writes the
// result and adopts it. This object is unchanged if any step throws.
template <typename Change>
void Keyring::update_file(Change change) {
  const detail::FileDescriptor lock = detail::lock_keyring_file(path_);
  std::optional<Keyring> current = load(path_);
  if (!current) {
    throw KeyringError(fmt::format(
        "keyring file {} was removed while in use; restore it from a backup", path_.string()));
  }
  change(*current);

  json document = current->to_json();
  std::string text = document.dump(2) + "\n";
  wipe_json_strings(document);
  try {
    detail::replace_keyring_file(path_, text);
  } catch (...) {
    wipe_string(text);
    throw;
  }
  wipe_string(text);
  *this = std::move(*current);
}

void Keyring::add_audit_signing_key_if_missing() {
  if (!audit_secret_key_.empty()) {
    return;
  }
  update_file([](Keyring& keyring) {
    if (keyring.audit_secret_key_.empty()) {
      keyring.set_audit_signing_seed(random_secret(ed25519_seed_size), current_utc_timestamp());
    }
  });
}

void Keyring::rotate() {
  update_file([](Keyring& keyring) {
    const int highest = keyring.keks_.rbegin()->first;
    if (highest == INT_MAX) {
      throw KeyringError(fmt::format("keyring file {} has reached the maximum version {}",
                                     keyring.path_.string(), INT_MAX));
    }
    keyring.add_kek(highest + 1);
    keyring.active_version_ = highest + 1;
  });
}

WrappedKey Keyring::wrap(const SecretBytes& data_key, std::string_view associated_data) const {
  const Kek& kek = keks_.at(active_version_);
  const std::string bound_data = kek_associated_data(active_version_, associated_data);
  return WrappedKey{active_version_, seal(kek.key, data_key.bytes(), as_byte_view(bound_data))};
}

SecretBytes Keyring::unwrap(const WrappedKey& wrapped, std::string_view associated_data) const {
  const auto kek = keks_.find(wrapped.kek_version);
  if (kek == keks_.end()) {
    throw KeyringError(fmt::format(
        "keyring file {} has no key-encryption key version {}; restore the file from a backup "
        "that contains it",
        path_.string(), wrapped.kek_version));
  }
  const std::string bound_data = kek_associated_data(wrapped.kek_version, associated_data);
  Bytes data_key = open(kek->second.key, wrapped.sealed, as_byte_view(bound_data));
  SecretBytes result(data_key);
  sodium_memzero(data_key.data(), data_key.size());
  return result;
}

Ed25519Signature Keyring::sign_audit_message(ByteView message) const {
  if (audit_secret_key_.size() != crypto_sign_SECRETKEYBYTES) {
    throw std::logic_error("Keyring has no audit signing key; open_or_create() adds one");
  }
  Ed25519Signature signature{};
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                       audit_secret_key_.bytes().data());
  return signature;
}

}  // namespace telehealth::crypto
