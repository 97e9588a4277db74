#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <cbor.h>

#include "crypto/bytes.hpp"

// Read-only helpers over libcbor items. Every accessor throws
// VerificationError (malformed) for an item of the wrong kind, so callers
// read fields without checking types themselves.

namespace telehealth::webauthn::detail {

struct CborDeleter {
  void operator()(cbor_item_t* item) const noexcept { cbor_decref(&item); }
};
using CborItem = std::unique_ptr<cbor_item_t, CborDeleter>;

/// Decodes the first CBOR item of `data`; `consumed` receives its length in
/// bytes, so a caller can find what follows it. Throws on invalid CBOR.
CborItem decode_cbor(crypto::ByteView data, std::size_t& consumed);

/// Decodes `data`, which must be exactly one CBOR item.
CborItem decode_cbor_exact(crypto::ByteView data);

/// Looks up a map entry by text key ("fmt") or by integer key (COSE labels
/// such as 1 or -2). Returns nullptr when the key is absent.
const cbor_item_t* map_find(const cbor_item_t* map, const std::string& key);
const cbor_item_t* map_find(const cbor_item_t* map, std::int64_t key);

bool is_map(const cbor_item_t* item);
std::size_t map_entries(const cbor_item_t* map);
std::int64_t read_integer(const cbor_item_t* item, const char* what);
crypto::Bytes read_bytes(const cbor_item_t* item, const char* what);
std::string read_text(const cbor_item_t* item, const char* what);

}  // namespace telehealth::webauthn::detail
