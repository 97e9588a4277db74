#include "crypto/secret.hpp"

#include <sodium.h>

#include <algorithm>
#include <ostream>
#include <utility>

namespace telehealth::crypto {

SecretBytes::SecretBytes(std::size_t size)
    : data_(std::make_unique<std::uint8_t[]>(size)), size_(size) {}

SecretBytes::SecretBytes(ByteView bytes) : SecretBytes(bytes.size()) {
  std::copy(bytes.begin(), bytes.end(), data_.get());
}

SecretBytes::~SecretBytes() { wipe(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::move(other.data_)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void SecretBytes::wipe() noexcept {
  if (data_) {
    sodium_memzero(data_.get(), size_);
  }
}

std::ostream& operator<<(std::ostream& out, const SecretBytes& /*secret*/) {
  return out << "<redacted>";
}

}  // namespace telehealth::crypto
