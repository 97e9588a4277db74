#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"

// Server-side verification of W3C Web Authentication Level 2 ceremonies:
// registration (section 7.1) and authentication assertions (section 7.2).
// Pure functions of their inputs: challenge storage, credential storage and
// audit belong to the caller.

namespace telehealth::webauthn {

/// COSE algorithm identifiers (IANA COSE Algorithms registry) that this
/// server accepts for credential public keys.
enum class Algorithm : int {
  es256 = -7,    // ECDSA over P-256 with SHA-256
  eddsa = -8,    // EdDSA; only Ed25519 keys are accepted
  rs256 = -257,  // RSASSA-PKCS1-v1_5 with SHA-256
};

/// The reason a ceremony was rejected. Callers audit the reason and tell the
/// client only that verification failed.
enum class Failure {
  malformed,               // JSON, CBOR or authenticator data that does not parse
  wrong_type,              // clientDataJSON.type is not the expected ceremony
  challenge_mismatch,      // clientDataJSON.challenge is not the one issued
  origin_mismatch,         // clientDataJSON.origin is not the relying party's origin
  cross_origin,            // clientDataJSON.crossOrigin is true (an iframe)
  rp_id_mismatch,          // rpIdHash is not SHA-256 of the RP id
  user_not_present,        // the UP flag is clear
  user_not_verified,       // the UV flag is clear where verification is required
  unsupported_algorithm,   // a COSE key or algorithm this server does not accept
  unsupported_attestation, // an attestation format other than "none" or packed self
  bad_signature,           // the signature does not verify under the credential key
  counter_not_increased,   // the signature counter did not increase: a possible clone
};

const char* to_string(Failure failure) noexcept;

/// A rejected ceremony. `what()` is the log-only detail; it never contains
/// key material or client data.
class VerificationError : public std::runtime_error {
 public:
  VerificationError(Failure failure, const std::string& detail)
      : std::runtime_error(detail), failure_(failure) {}
  Failure failure() const noexcept { return failure_; }

 private:
  Failure failure_;
};

/// The relying party: `origin` is the exact origin of the web app
/// ("https://clinic.example:8443") and `id` its RP id, the host.
struct RelyingParty {
  std::string id;
  std::string origin;
};

/// Returns the host of an origin ("https://localhost:8443" gives
/// "localhost"), the RP id this server uses. Throws std::invalid_argument
/// for text that is not an http(s) origin.
std::string rp_id_from_origin(std::string_view origin);

/// Extracts the base64url challenge of a clientDataJSON and decodes it, so
/// the caller can find the challenge it issued. Throws VerificationError
/// (malformed) when the JSON or the challenge does not parse.
crypto::Bytes client_data_challenge(crypto::ByteView client_data_json);

/// The result of a registration ceremony that verified.
struct Registration {
  crypto::Bytes credential_id;
  crypto::Bytes public_key;  // the COSE_Key exactly as the authenticator encoded it
  Algorithm algorithm = Algorithm::es256;
  std::uint32_t sign_count = 0;
  bool user_verified = false;
  std::string attestation_format;  // "none" or "packed"
};

struct RegistrationRequest {
  crypto::ByteView client_data_json;
  crypto::ByteView attestation_object;
  crypto::ByteView expected_challenge;
  bool require_user_verification = true;
};

/// Verifies a registration response (section 7.1, steps 5 to 21, without
/// attestation trust paths): type "webauthn.create", challenge, origin,
/// rpIdHash, UP (and UV when required), an attested credential with an
/// accepted COSE key, and attestation format "none" or "packed" self
/// attestation. Throws VerificationError.
Registration verify_registration(const RelyingParty& party, const RegistrationRequest& request);

/// A stored credential as the assertion check needs it.
struct StoredCredential {
  crypto::ByteView public_key;  // COSE_Key from Registration::public_key
  std::uint32_t sign_count = 0;
};

struct AssertionRequest {
  crypto::ByteView client_data_json;
  crypto::ByteView authenticator_data;
  crypto::ByteView signature;
  crypto::ByteView expected_challenge;
  bool require_user_verification = false;
};

/// The result of an assertion that verified.
struct Assertion {
  std::uint32_t sign_count = 0;
  bool user_verified = false;
};

/// Verifies an assertion (section 7.2, steps 11 to 21): type "webauthn.get",
/// challenge, origin, rpIdHash, UP (and UV when required), the signature over
/// authenticatorData || SHA-256(clientDataJSON), and the signature counter,
/// which must increase unless both the stored and the new value are zero.
/// Throws VerificationError; counter_not_increased means a possible clone.
Assertion verify_assertion(const RelyingParty& party, const StoredCredential& credential,
                           const AssertionRequest& request);

}  // namespace telehealth::webauthn
