#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <span>
#include <string_view>

#include <fmt/format.h>

#include "crypto/bytes.hpp"

namespace telehealth::crypto {

/// Owning buffer for key material. The bytes are overwritten with zeros
/// (sodium_memzero) when the buffer is destroyed or assigned over, and the
/// type is move-only so that no stray copy outlives it. Printing through
/// fmt or an ostream yields `<redacted>`, never the bytes.
///
/// NOTE: the memory is not locked (mlock), so the kernel may swap it out.
class SecretBytes {
 public:
  SecretBytes() noexcept = default;

  /// Allocates `size` zero bytes, to be filled through writable_bytes().
  explicit SecretBytes(std::size_t size);

  /// Copies `bytes`. The caller still owns and must clear the source.
  explicit SecretBytes(ByteView bytes);

  ~SecretBytes();

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] ByteView bytes() const noexcept { return {data_.get(), size_}; }
  [[nodiscard]] std::span<std::uint8_t> writable_bytes() noexcept { return {data_.get(), size_}; }

 private:
  void wipe() noexcept;

  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t size_ = 0;
};

/// Writes `<redacted>`, so that a key never reaches a log through a stream.
std::ostream& operator<<(std::ostream& out, const SecretBytes& secret);

}  // namespace telehealth::crypto

/// Formats every SecretBytes as `<redacted>`. Width and alignment
/// specifications apply to that placeholder.
template <>
struct fmt::formatter<telehealth::crypto::SecretBytes> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const telehealth::crypto::SecretBytes& /*secret*/, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format("<redacted>", ctx);
  }
};
