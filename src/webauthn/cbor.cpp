#include "webauthn/detail/cbor.hpp"

#include "webauthn/webauthn.hpp"

namespace telehealth::webauthn::detail {

namespace {

[[noreturn]] void malformed(const std::string& detail) {
  throw VerificationError(Failure::malformed, detail);
}

// Integers beyond int64 never appear in WebAuthn structures; they are
// rejected rather than wrapped.
constexpr std::uint64_t kMaxMagnitude = static_cast<std::uint64_t>(INT64_MAX);

std::optional<std::int64_t> integer_value(const cbor_item_t* item) {
  if (cbor_isa_uint(item)) {
    const std::uint64_t value = cbor_get_int(item);
    if (value > kMaxMagnitude) return std::nullopt;
    return static_cast<std::int64_t>(value);
  }
  if (cbor_isa_negint(item)) {
    // A CBOR negative integer stores n for the value -1 - n.
    const std::uint64_t value = cbor_get_int(item);
    if (value > kMaxMagnitude) return std::nullopt;
    return -1 - static_cast<std::int64_t>(value);
  }
  return std::nullopt;
}

}  // namespace

CborItem decode_cbor(crypto::ByteView data, std::size_t& consumed) {
  if (data.empty()) malformed("empty CBOR input");
  cbor_load_result result{};
  CborItem item(cbor_load(data.data(), data.size(), &result));
  if (!item || result.error.code != CBOR_ERR_NONE) {
    malformed("invalid CBOR at byte " + std::to_string(result.error.position));
  }
  consumed = result.read;
  return item;
}

CborItem decode_cbor_exact(crypto::ByteView data) {
  std::size_t consumed = 0;
  auto item = decode_cbor(data, consumed);
  if (consumed != data.size()) malformed("trailing bytes after a CBOR item");
  return item;
}

bool is_map(const cbor_item_t* item) {
  return item != nullptr && cbor_isa_map(item) && cbor_map_is_definite(item);
}

std::size_t map_entries(const cbor_item_t* map) {
  if (!is_map(map)) malformed("expected a CBOR map");
  return cbor_map_size(map);
}

const cbor_item_t* map_find(const cbor_item_t* map, const std::string& key) {
  const std::size_t size = map_entries(map);
  const cbor_pair* pairs = cbor_map_handle(map);
  for (std::size_t i = 0; i < size; ++i) {
    const cbor_item_t* candidate = pairs[i].key;
    if (cbor_isa_string(candidate) && cbor_string_is_definite(candidate) &&
        std::string_view(reinterpret_cast<const char*>(cbor_string_handle(candidate)),
                         cbor_string_length(candidate)) == key) {
      return pairs[i].value;
    }
  }
  return nullptr;
}

const cbor_item_t* map_find(const cbor_item_t* map, std::int64_t key) {
  const std::size_t size = map_entries(map);
  const cbor_pair* pairs = cbor_map_handle(map);
  for (std::size_t i = 0; i < size; ++i) {
    const auto value = integer_value(pairs[i].key);
    if (value && *value == key) return pairs[i].value;
  }
  return nullptr;
}

std::int64_t read_integer(const cbor_item_t* item, const char* what) {
  const auto value = item == nullptr ? std::nullopt : integer_value(item);
  if (!value) malformed(std::string(what) + " is missing or not an integer");
  return *value;
}

crypto::Bytes read_bytes(const cbor_item_t* item, const char* what) {
  if (item == nullptr || !cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item)) {
    malformed(std::string(what) + " is missing or not a byte string");
  }
  const auto* data = cbor_bytestring_handle(item);
  return {data, data + cbor_bytestring_length(item)};
}

std::string read_text(const cbor_item_t* item, const char* what) {
  if (item == nullptr || !cbor_isa_string(item) || !cbor_string_is_definite(item)) {
    malformed(std::string(what) + " is missing or not a text string");
  }
  return {reinterpret_cast<const char*>(cbor_string_handle(item)), cbor_string_length(item)};
}

}  // namespace telehealth::webauthn::detail
