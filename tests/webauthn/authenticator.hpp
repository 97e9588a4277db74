#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <openssl/evp.h>

#include "crypto/bytes.hpp"
#include "webauthn/webauthn.hpp"

// A software authenticator for the tests: it generates a key pair with
// OpenSSL, encodes its COSE key and attestation object with libcbor's
// encoder, and signs as a WebAuthn authenticator does. None of this shares
// code with the verifier under test.

namespace telehealth::webauthn::testing {

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyDeleter>;

/// Generates a P-256, RSA-2048 or Ed25519 key for `algorithm`.
Key generate_key(Algorithm algorithm);

/// Encodes the public half of `key` as a COSE_Key with `algorithm`'s alg.
crypto::Bytes cose_public_key(const EVP_PKEY* key, Algorithm algorithm);

/// Signs `data` as WebAuthn expects: DER ECDSA, PKCS #1 v1.5 or raw Ed25519.
crypto::Bytes sign(EVP_PKEY* key, Algorithm algorithm, crypto::ByteView data);

/// The fields of a clientDataJSON, each changeable for a negative test.
struct ClientDataFields {
  std::string type = "webauthn.create";
  crypto::Bytes challenge;
  std::string origin = "https://clinic.example:8443";
  bool cross_origin = false;
};
crypto::Bytes client_data_json(const ClientDataFields& fields);

/// The flags and counter of authenticator data.
struct AuthDataFields {
  std::string rp_id = "clinic.example";
  bool user_present = true;
  bool user_verified = true;
  std::uint32_t sign_count = 0;
};

/// Authenticator data without attested credential data (assertions).
crypto::Bytes authenticator_data(const AuthDataFields& fields);

/// Authenticator data with attested credential data (registration).
crypto::Bytes attested_authenticator_data(const AuthDataFields& fields,
                                          crypto::ByteView credential_id,
                                          crypto::ByteView cose_key);

/// An attestation object {fmt, attStmt, authData}. With `format` "packed" and
/// a key, attStmt is a self attestation {alg, sig} over
/// authData || SHA-256(clientDataJSON); with "none" it is empty.
crypto::Bytes attestation_object(const std::string& format, crypto::ByteView auth_data,
                                 crypto::ByteView client_data, EVP_PKEY* key = nullptr,
                                 Algorithm algorithm = Algorithm::es256);

}  // namespace telehealth::webauthn::testing
