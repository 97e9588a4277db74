#include "crypto/aead.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <climits>
#include <memory>
#include <string_view>

#include <fmt/format.h>

#include "crypto/detail/openssl_error.hpp"
#include "crypto/random.hpp"

namespace telehealth::crypto {

namespace {

struct CipherContextDeleter {
  void operator()(EVP_CIPHER_CTX* context) const noexcept { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

[[noreturn]] void throw_openssl_error(std::string_view operation) {
  throw std::runtime_error(
      fmt::format("{} failed: {}", operation, detail::pop_openssl_error()));
}

// The EVP interface takes lengths as int.
int to_int_length(std::size_t size) {
  if (size > INT_MAX) {
    throw std::invalid_argument(
        fmt::format("AES-256-GCM input of {} bytes exceeds INT_MAX bytes", size));
  }
  return static_cast<int>(size);
}

void check_key_size(const SecretBytes& key) {
  if (key.size() != aead_key_size) {
    throw std::invalid_argument(fmt::format(
        "AES-256-GCM key must be {} bytes, got {} bytes", aead_key_size, key.size()));
  }
}

// Starts encryption (`encrypt` true) or decryption with `key` and `nonce`.
// GCM's default nonce length in OpenSSL is 12 bytes, so none is set.
CipherContext start_cipher(bool encrypt, const SecretBytes& key, ByteView nonce) {
  CipherContext context(EVP_CIPHER_CTX_new());
  if (!context) {
    throw_openssl_error("EVP_CIPHER_CTX_new");
  }
  if (EVP_CipherInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key.bytes().data(),
                        nonce.data(), encrypt ? 1 : 0) != 1) {
    throw_openssl_error("EVP_CipherInit_ex");
  }
  return context;
}

// Feeds `input` through the cipher into `output`, which must be as long as
// `input`. With a null `output`, `input` is authenticated as associated data.
void update_cipher(EVP_CIPHER_CTX* context, ByteView input, std::uint8_t* output) {
  if (input.empty()) {
    return;
  }
  int written = 0;
  if (EVP_CipherUpdate(context, output, &written, input.data(), to_int_length(input.size())) !=
      1) {
    throw_openssl_error("EVP_CipherUpdate");
  }
}

}  // namespace

Bytes seal(const SecretBytes& key, ByteView plaintext, ByteView associated_data) {
  check_key_size(key);
  Bytes sealed(aead_nonce_size + plaintext.size() + aead_tag_size);
  const std::span<std::uint8_t> nonce = std::span(sealed).first(aead_nonce_size);
  std::uint8_t* const ciphertext = sealed.data() + aead_nonce_size;
  std::uint8_t* const tag = ciphertext + plaintext.size();
  fill_random(nonce);

  const CipherContext context = start_cipher(true, key, nonce);
  update_cipher(context.get(), associated_data, nullptr);
  update_cipher(context.get(), plaintext, ciphertext);
  int written = 0;
  if (EVP_EncryptFinal_ex(context.get(), tag, &written) != 1) {
    throw_openssl_error("EVP_EncryptFinal_ex");
  }
  if (EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(aead_tag_size),
                          tag) != 1) {
    throw_openssl_error("EVP_CTRL_GCM_GET_TAG");
  }
  return sealed;
}

Bytes open(const SecretBytes& key, ByteView sealed, ByteView associated_data) {
  check_key_size(key);
  if (sealed.size() < aead_nonce_size + aead_tag_size) {
    throw DecryptError(fmt::format("sealed data is too short: {} bytes, minimum {}",
                                   sealed.size(), aead_nonce_size + aead_tag_size));
  }
  const ByteView nonce = sealed.first(aead_nonce_size);
  const ByteView ciphertext = sealed.subspan(aead_nonce_size, sealed.size() - aead_nonce_size -
                                                                  aead_tag_size);
  Bytes tag(sealed.end() - aead_tag_size, sealed.end());

  const CipherContext context = start_cipher(false, key, nonce);
  update_cipher(context.get(), associated_data, nullptr);
  Bytes plaintext(ciphertext.size());
  update_cipher(context.get(), ciphertext, plaintext.data());
  if (EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(aead_tag_size),
                          tag.data()) != 1) {
    throw_openssl_error("EVP_CTRL_GCM_SET_TAG");
  }
  int written = 0;
  if (EVP_DecryptFinal_ex(context.get(), plaintext.data() + plaintext.size(), &written) != 1) {
    // The buffer contains unauthenticated plaintext, which must not be used.
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    throw DecryptError(
        "AES-256-GCM authentication failed: wrong key, altered data or different associated data");
  }
  return plaintext;
}

}  // namespace telehealth::crypto
