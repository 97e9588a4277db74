#pragma once

#include <memory>

#include <openssl/evp.h>

#include "crypto/bytes.hpp"
#include "webauthn/webauthn.hpp"

// COSE_Key (RFC 9052 section 7, RFC 9053) public keys as OpenSSL 3 EVP keys.

namespace telehealth::webauthn::detail {

struct EvpKeyDeleter {
  void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
using EvpKey = std::unique_ptr<EVP_PKEY, EvpKeyDeleter>;

struct CosePublicKey {
  Algorithm algorithm = Algorithm::es256;
  EvpKey key;
};

/// Parses a COSE_Key: EC2 on P-256 with alg -7, RSA with alg -257 (at least
/// 2048 bits), or OKP Ed25519 with alg -8. Throws VerificationError
/// (unsupported_algorithm or malformed) for anything else.
CosePublicKey parse_cose_key(crypto::ByteView cose_key);

/// Checks a WebAuthn signature over `data`: DER-encoded ECDSA for ES256,
/// PKCS #1 v1.5 for RS256, raw 64 bytes for Ed25519.
bool verify_signature(const CosePublicKey& key, crypto::ByteView data,
                      crypto::ByteView signature);

}  // namespace telehealth::webauthn::detail
