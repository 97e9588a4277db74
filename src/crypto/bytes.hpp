#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace telehealth::crypto {

/// Owned byte string for data that is not secret (ciphertext, digests, nonces).
using Bytes = std::vector<std::uint8_t>;

/// Read-only view of bytes, the parameter type of every function in this component.
using ByteView = std::span<const std::uint8_t>;

/// Views the characters of `text` as bytes, without copying.
inline ByteView as_byte_view(std::string_view text) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace telehealth::crypto
