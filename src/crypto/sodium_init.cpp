#include "crypto/detail/sodium_init.hpp"

#include <sodium.h>

#include <stdexcept>

namespace telehealth::crypto::detail {

void ensure_sodium_initialized() {
  // C++11 and later initialise a function-local static once, even with
  // concurrent callers. sodium_init() returns 0 or 1 on success and -1 on failure.
  static const bool initialized = sodium_init() >= 0;
  if (!initialized) {
    throw std::runtime_error("libsodium initialisation failed (sodium_init returned -1)");
  }
}

}  // namespace telehealth::crypto::detail
