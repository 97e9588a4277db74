#include "crypto/keyring.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

namespace telehealth::crypto {
namespace {

namespace fs = std::filesystem;

Bytes to_vector(const SecretBytes& secret) {
  return Bytes(secret.bytes().begin(), secret.bytes().end());
}

class KeyringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() / ("telehealth-keyring-test-" + random_token(9));
    fs::create_directory(directory_);
    path_ = directory_ / "keyring.json";
  }

  void TearDown() override { fs::remove_all(directory_); }

  mode_t file_mode() const {
    struct stat status {};
    EXPECT_EQ(::stat(path_.c_str(), &status), 0);
    return status.st_mode & 07777;
  }

  nlohmann::json read_json() const {
    std::ifstream in(path_);
    return nlohmann::json::parse(in);
  }

  // Writes `text` as the keyring file with mode 0600.
  void write_file(const std::string& text) const {
    std::ofstream(path_) << text;
    fs::permissions(path_, fs::perms::owner_read | fs::perms::owner_write);
  }

  // Asserts that opening the keyring raises KeyringError mentioning `fragment`.
  void expect_open_fails_with(const std::string& fragment) const {
    try {
      (void)Keyring::open_or_create(path_);
      ADD_FAILURE() << "open_or_create succeeded, expected KeyringError";
    } catch (const KeyringError& error) {
      EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
    }
  }

  fs::path directory_;
  fs::path path_;
};

TEST_F(KeyringTest, CreatesFileWithMode0600) {
  (void)Keyring::open_or_create(path_);
  ASSERT_TRUE(fs::exists(path_));
  EXPECT_EQ(file_mode(), 0600U);
}

TEST_F(KeyringTest, NewFileHoldsOneKeyVersion1) {
  const Keyring keyring = Keyring::open_or_create(path_);
  EXPECT_EQ(keyring.active_version(), 1);

  const nlohmann::json document = read_json();
  EXPECT_EQ(document.at("format"), 1);
  EXPECT_EQ(document.at("active"), 1);
  ASSERT_EQ(document.at("keys").size(), 1U);
  EXPECT_EQ(document.at("keys")[0].at("version"), 1);
  const std::optional<Bytes> key = base64_decode(document.at("keys")[0].at("key").get<std::string>());
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->size(), 32U);
  EXPECT_TRUE(document.at("keys")[0].at("created_at").is_string());
}

TEST_F(KeyringTest, RejectsFileReadableByOthers) {
  (void)Keyring::open_or_create(path_);
  fs::permissions(path_, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                             fs::perms::others_read);
  expect_open_fails_with("chmod 600");
  expect_open_fails_with(path_.string());
  expect_open_fails_with("0644");
}

TEST_F(KeyringTest, RejectsFileWritableByGroup) {
  (void)Keyring::open_or_create(path_);
  fs::permissions(path_, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_write);
  expect_open_fails_with("chmod 600");
}

TEST_F(KeyringTest, WrapUnwrapRoundTrip) {
  const Keyring keyring = Keyring::open_or_create(path_);
  const SecretBytes data_key = new_data_key();
  const WrappedKey wrapped = keyring.wrap(data_key, "patient_record:42");
  EXPECT_EQ(wrapped.kek_version, 1);

  const SecretBytes unwrapped = keyring.unwrap(wrapped, "patient_record:42");
  EXPECT_EQ(to_vector(unwrapped), to_vector(data_key));
}

TEST_F(KeyringTest, UnwrapWithOtherAssociatedDataFails) {
  const Keyring keyring = Keyring::open_or_create(path_);
  const WrappedKey wrapped = keyring.wrap(new_data_key(), "patient_record:42");
  EXPECT_THROW((void)keyring.unwrap(wrapped, "patient_record:43"), DecryptError);
}

TEST_F(KeyringTest, UnwrapWithUnknownVersionFails) {
  const Keyring keyring = Keyring::open_or_create(path_);
  WrappedKey wrapped = keyring.wrap(new_data_key(), "patient_record:42");
  wrapped.kek_version = 7;
  EXPECT_THROW((void)keyring.unwrap(wrapped, "patient_record:42"), KeyringError);
}

TEST_F(KeyringTest, UnwrapWithRelabelledVersionFails) {
  Keyring keyring = Keyring::open_or_create(path_);
  WrappedKey wrapped = keyring.wrap(new_data_key(), "patient_record:42");
  keyring.rotate();
  wrapped.kek_version = 2;
  EXPECT_THROW((void)keyring.unwrap(wrapped, "patient_record:42"), DecryptError);
}

TEST_F(KeyringTest, RotateChangesActiveVersion) {
  Keyring keyring = Keyring::open_or_create(path_);
  keyring.rotate();
  EXPECT_EQ(keyring.active_version(), 2);
  EXPECT_EQ(keyring.wrap(new_data_key(), "x").kek_version, 2);
  EXPECT_EQ(read_json().at("active"), 2);
  EXPECT_EQ(read_json().at("keys").size(), 2U);
}

TEST_F(KeyringTest, RotateKeepsOldVersionsDecryptable) {
  Keyring keyring = Keyring::open_or_create(path_);
  const SecretBytes data_key = new_data_key();
  const WrappedKey wrapped = keyring.wrap(data_key, "patient_record:42");
  keyring.rotate();
  keyring.rotate();
  EXPECT_EQ(to_vector(keyring.unwrap(wrapped, "patient_record:42")), to_vector(data_key));
}

TEST_F(KeyringTest, RotateKeepsFileMode0600) {
  Keyring keyring = Keyring::open_or_create(path_);
  keyring.rotate();
  EXPECT_EQ(file_mode(), 0600U);
}

TEST_F(KeyringTest, RotateLeavesNoTemporaryFiles) {
  Keyring keyring = Keyring::open_or_create(path_);
  keyring.rotate();
  std::set<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory_)) {
    names.insert(entry.path().filename().string());
  }
  EXPECT_EQ(names, (std::set<std::string>{"keyring.json", "keyring.json.lock"}));
}

TEST_F(KeyringTest, ReopenGivesSameKeys) {
  Keyring first = Keyring::open_or_create(path_);
  first.rotate();
  const SecretBytes data_key = new_data_key();
  const WrappedKey wrapped = first.wrap(data_key, "patient_record:42");

  const Keyring second = Keyring::open_or_create(path_);
  EXPECT_EQ(second.active_version(), 2);
  EXPECT_EQ(to_vector(second.unwrap(wrapped, "patient_record:42")), to_vector(data_key));
  EXPECT_EQ(second.audit_signing_public_key(), first.audit_signing_public_key());
}

TEST_F(KeyringTest, RotateKeepsVersionsAddedElsewhere) {
  Keyring first = Keyring::open_or_create(path_);
  Keyring second = Keyring::open_or_create(path_);
  first.rotate();
  const SecretBytes data_key = new_data_key();
  const WrappedKey wrapped = first.wrap(data_key, "patient_record:42");

  // `second` still has only version 1 loaded, so it must reread the file.
  second.rotate();
  EXPECT_EQ(second.active_version(), 3);
  EXPECT_EQ(to_vector(second.unwrap(wrapped, "patient_record:42")), to_vector(data_key));
}

TEST_F(KeyringTest, AuditSignatureVerifiesWithPublicKey) {
  ASSERT_GE(sodium_init(), 0);
  const Keyring keyring = Keyring::open_or_create(path_);
  const ByteView message = as_byte_view("checkpoint 17: 9f86d081884c7d65");
  const Ed25519Signature signature = keyring.sign_audit_message(message);
  const Ed25519PublicKey& public_key = keyring.audit_signing_public_key();

  EXPECT_EQ(crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                        public_key.data()),
            0);
  const ByteView other = as_byte_view("checkpoint 18: 9f86d081884c7d65");
  EXPECT_NE(crypto_sign_verify_detached(signature.data(), other.data(), other.size(),
                                        public_key.data()),
            0);
}

TEST_F(KeyringTest, AddsMissingAuditSigningKey) {
  const std::string key = base64_encode(random_bytes(32));
  write_file(R"({"format":1,"active":1,"keys":[{"version":1,"key":")" + key +
             R"(","created_at":"2024-01-01T00:00:00Z"}]})");

  const Keyring keyring = Keyring::open_or_create(path_);
  const nlohmann::json document = read_json();
  ASSERT_TRUE(document.contains("audit_signing_key"));
  EXPECT_EQ(document.at("audit_signing_key").at("algorithm"), "Ed25519");
  EXPECT_EQ(document.at("keys")[0].at("key"), key);
  EXPECT_EQ(file_mode(), 0600U);

  const Keyring reopened = Keyring::open_or_create(path_);
  EXPECT_EQ(reopened.audit_signing_public_key(), keyring.audit_signing_public_key());
}

TEST_F(KeyringTest, RejectsInvalidJson) {
  write_file("{\"format\": 1, \"keys\": [");
  expect_open_fails_with("not valid JSON");
}

TEST_F(KeyringTest, RejectsUnsupportedFormat) {
  write_file(R"({"format":2,"active":1,"keys":[]})");
  expect_open_fails_with("format 2 is not supported");
}

TEST_F(KeyringTest, RejectsKeyOfWrongLength) {
  write_file(R"({"format":1,"active":1,"keys":[{"version":1,"key":")" +
             base64_encode(random_bytes(16)) + R"(","created_at":"2024-01-01T00:00:00Z"}]})");
  expect_open_fails_with("field \"key\" must be 32 bytes in base64");
}

TEST_F(KeyringTest, InvalidKeyErrorOmitsKeyText) {
  write_file(R"({"format":1,"active":1,"keys":[{"version":1,"key":"hunter2-secret!",)"
             R"("created_at":"2024-01-01T00:00:00Z"}]})");
  try {
    (void)Keyring::open_or_create(path_);
    ADD_FAILURE() << "open_or_create succeeded, expected KeyringError";
  } catch (const KeyringError& error) {
    EXPECT_EQ(std::string(error.what()).find("hunter2"), std::string::npos) << error.what();
  }
}

TEST_F(KeyringTest, RejectsActiveVersionWithoutKey) {
  write_file(R"({"format":1,"active":2,"keys":[{"version":1,"key":")" +
             base64_encode(random_bytes(32)) + R"(","created_at":"2024-01-01T00:00:00Z"}]})");
  expect_open_fails_with("active version 2 has no entry");
}

TEST_F(KeyringTest, RejectsDuplicateVersion) {
  const std::string entry = R"({"version":1,"key":")" + base64_encode(random_bytes(32)) +
                            R"(","created_at":"2024-01-01T00:00:00Z"})";
  write_file(R"({"format":1,"active":1,"keys":[)" + entry + "," + entry + "]}");
  expect_open_fails_with("version 1 appears twice");
}

TEST(NewDataKey, Returns32RandomBytes) {
  const SecretBytes first = new_data_key();
  const SecretBytes second = new_data_key();
  EXPECT_EQ(first.size(), 32U);
  EXPECT_NE(to_vector(first), to_vector(second));
}

}  // namespace
}  // namespace telehealth::crypto
