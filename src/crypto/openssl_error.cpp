#include "crypto/detail/openssl_error.hpp"

#include <openssl/err.h>

#include <array>

namespace telehealth::crypto::detail {

std::string pop_openssl_error() {
  const unsigned long code = ERR_get_error();
  if (code == 0) {
    return "no OpenSSL error queued";
  }
  // ERR_error_string_n writes to our buffer, unlike ERR_error_string with a
  // null buffer, which uses a static one that other threads may overwrite.
  std::array<char, 256> text{};
  ERR_error_string_n(code, text.data(), text.size());
  return text.data();
}

}  // namespace telehealth::crypto::detail
