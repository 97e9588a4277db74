#include "authenticator.hpp"

#include <cbor.h>
#include <openssl/core_names.h>
#include <openssl/sha.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "crypto/encoding.hpp"

namespace telehealth::webauthn::testing {

namespace {

struct ItemDeleter {
  void operator()(cbor_item_t* item) const noexcept { cbor_decref(&item); }
};
using Item = std::unique_ptr<cbor_item_t, ItemDeleter>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test authenticator: ") + what + " failed");
}

// Returns a CBOR integer item for a COSE label or value (RFC 8949 major
// types 0 and 1) in the shortest form, as CTAP2 canonical CBOR requires.
cbor_item_t* integer(std::int64_t value) {
  const std::int64_t magnitude = value >= 0 ? value : -1 - value;
  if (magnitude <= 0xff) {
    const auto byte = static_cast<std::uint8_t>(magnitude);
    return value >= 0 ? cbor_build_uint8(byte) : cbor_build_negint8(byte);
  }
  const auto word = static_cast<std::uint16_t>(magnitude);
  return value >= 0 ? cbor_build_uint16(word) : cbor_build_negint16(word);
}

cbor_item_t* bytes(crypto::ByteView data) { return cbor_build_bytestring(data.data(), data.size()); }

void add(cbor_item_t* map, cbor_item_t* key, cbor_item_t* value) {
  check(cbor_map_add(map, cbor_pair{cbor_move(key), cbor_move(value)}), "cbor_map_add");
}

crypto::Bytes serialize(const cbor_item_t* item) {
  unsigned char* buffer = nullptr;
  std::size_t allocated = 0;
  const std::size_t length = cbor_serialize_alloc(item, &buffer, &allocated);
  check(length > 0, "cbor_serialize_alloc");
  crypto::Bytes result(buffer, buffer + length);
  free(buffer);  // NOLINT: libcbor allocates with malloc
  return result;
}

crypto::Bytes bignum_param(const EVP_PKEY* key, const char* name) {
  BIGNUM* number = nullptr;
  check(EVP_PKEY_get_bn_param(key, name, &number) == 1, "EVP_PKEY_get_bn_param");
  crypto::Bytes result(static_cast<std::size_t>(BN_num_bytes(number)));
  BN_bn2bin(number, result.data());
  BN_free(number);
  return result;
}

void append_big_endian32(crypto::Bytes& out, std::uint32_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 24));
  out.push_back(static_cast<std::uint8_t>(value >> 16));
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}

}  // namespace

Key generate_key(Algorithm algorithm) {
  EVP_PKEY* key = nullptr;
  switch (algorithm) {
    case Algorithm::es256: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case Algorithm::rs256:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
      break;
    case Algorithm::eddsa: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
  }
  check(key != nullptr, "EVP_PKEY_Q_keygen");
  return Key(key);
}

crypto::Bytes cose_public_key(const EVP_PKEY* key, Algorithm algorithm) {
  Item map(cbor_new_definite_map(5));
  switch (algorithm) {
    case Algorithm::es256: {
      unsigned char point[65];
      std::size_t length = 0;
      check(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point,
                                            &length) == 1 &&
                length == 65,
            "reading the EC point");
      add(map.get(), integer(1), integer(2));    // kty: EC2
      add(map.get(), integer(3), integer(-7));   // alg: ES256
      add(map.get(), integer(-1), integer(1));   // crv: P-256
      add(map.get(), integer(-2), bytes({point + 1, 32}));
      add(map.get(), integer(-3), bytes({point + 33, 32}));
      break;
    }
    case Algorithm::rs256: {
      add(map.get(), integer(1), integer(3));     // kty: RSA
      add(map.get(), integer(3), integer(-257));  // alg: RS256
      add(map.get(), integer(-1), bytes(bignum_param(key, OSSL_PKEY_PARAM_RSA_N)));
      add(map.get(), integer(-2), bytes(bignum_param(key, OSSL_PKEY_PARAM_RSA_E)));
      break;
    }
    case Algorithm::eddsa: {
      unsigned char raw[32];
      std::size_t length = sizeof raw;
      check(EVP_PKEY_get_raw_public_key(key, raw, &length) == 1, "EVP_PKEY_get_raw_public_key");
      add(map.get(), integer(1), integer(1));    // kty: OKP
      add(map.get(), integer(3), integer(-8));   // alg: EdDSA
      add(map.get(), integer(-1), integer(6));   // crv: Ed25519
      add(map.get(), integer(-2), bytes({raw, length}));
      break;
    }
  }
  return serialize(map.get());
}

crypto::Bytes sign(EVP_PKEY* key, Algorithm algorithm, crypto::ByteView data) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  const EVP_MD* digest = algorithm == Algorithm::eddsa ? nullptr : EVP_sha256();
  std::size_t length = 0;
  check(EVP_DigestSignInit(context, nullptr, digest, nullptr, key) == 1 &&
            EVP_DigestSign(context, nullptr, &length, data.data(), data.size()) == 1,
        "EVP_DigestSign (length)");
  crypto::Bytes signature(length);
  check(EVP_DigestSign(context, signature.data(), &length, data.data(), data.size()) == 1,
        "EVP_DigestSign");
  EVP_MD_CTX_free(context);
  signature.resize(length);
  return signature;
}

crypto::Bytes client_data_json(const ClientDataFields& fields) {
  nlohmann::json json{{"type", fields.type},
                      {"challenge", crypto::base64url_encode(fields.challenge)},
                      {"origin", fields.origin},
                      {"crossOrigin", fields.cross_origin}};
  const std::string text = json.dump();
  return {text.begin(), text.end()};
}

crypto::Bytes authenticator_data(const AuthDataFields& fields) {
  crypto::Bytes out(32);
  SHA256(reinterpret_cast<const unsigned char*>(fields.rp_id.data()), fields.rp_id.size(),
         out.data());
  std::uint8_t flags = 0;
  if (fields.user_present) flags |= 0x01;
  if (fields.user_verified) flags |= 0x04;
  out.push_back(flags);
  append_big_endian32(out, fields.sign_count);
  return out;
}

crypto::Bytes attested_authenticator_data(const AuthDataFields& fields,
                                          crypto::ByteView credential_id,
                                          crypto::ByteView cose_key) {
  crypto::Bytes out = authenticator_data(fields);
  out[32] |= 0x40;                          // AT: attested credential data follows
  out.insert(out.end(), 16, std::uint8_t{0});  // AAGUID, zero as for "none"
  out.push_back(static_cast<std::uint8_t>(credential_id.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(credential_id.size()));
  out.insert(out.end(), credential_id.begin(), credential_id.end());
  out.insert(out.end(), cose_key.begin(), cose_key.end());
  return out;
}

crypto::Bytes attestation_object(const std::string& format, crypto::ByteView auth_data,
                                 crypto::ByteView client_data, EVP_PKEY* key,
                                 Algorithm algorithm) {
  Item statement(cbor_new_definite_map(2));
  if (key != nullptr) {
    crypto::Bytes signed_data(auth_data.begin(), auth_data.end());
    unsigned char hash[32];
    SHA256(client_data.data(), client_data.size(), hash);
    signed_data.insert(signed_data.end(), hash, hash + 32);
    add(statement.get(), cbor_build_string("alg"), integer(static_cast<int>(algorithm)));
    add(statement.get(), cbor_build_string("sig"), bytes(sign(key, algorithm, signed_data)));
  }
  Item object(cbor_new_definite_map(3));
  add(object.get(), cbor_build_string("fmt"), cbor_build_string(format.c_str()));
  add(object.get(), cbor_build_string("attStmt"), cbor_incref(statement.get()));
  add(object.get(), cbor_build_string("authData"), bytes(auth_data));
  return serialize(object.get());
}

}  // namespace telehealth::webauthn::testing
