#include "webauthn/webauthn.hpp"

#include <nlohmann/json.hpp>

#include "crypto/encoding.hpp"
#include "crypto/hash.hpp"
#include "webauthn/detail/cbor.hpp"
#include "webauthn/detail/cose.hpp"

namespace telehealth::webauthn {

namespace {

using crypto::Bytes;
using crypto::ByteView;

// Authenticator data flags (W3C WebAuthn Level 2, section 6.1).
constexpr std::uint8_t kFlagUserPresent = 0x01;
constexpr std::uint8_t kFlagUserVerified = 0x04;
constexpr std::uint8_t kFlagAttestedData = 0x40;
// rpIdHash (32) + flags (1) + signCount (4).
constexpr std::size_t kAuthDataMinBytes = 37;
constexpr std::size_t kAaguidBytes = 16;
// Section 5.8.3: credential ids are at most 1023 bytes.
constexpr std::size_t kMaxCredentialIdBytes = 1023;

[[noreturn]] void fail(Failure failure, const std::string& detail) {
  throw VerificationError(failure, detail);
}

struct AuthenticatorData {
  ByteView rp_id_hash;
  std::uint8_t flags = 0;
  std::uint32_t sign_count = 0;
  // Present only with the AT flag (registration).
  Bytes credential_id;
  ByteView credential_public_key;
};

std::uint32_t read_big_endian32(ByteView bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

// Parses section 6.1's layout. Extensions (ED flag) follow the credential
// key and are ignored: this server requests none.
AuthenticatorData parse_authenticator_data(ByteView data) {
  if (data.size() < kAuthDataMinBytes) fail(Failure::malformed, "authenticator data too short");
  AuthenticatorData parsed;
  parsed.rp_id_hash = data.subspan(0, 32);
  parsed.flags = data[32];
  parsed.sign_count = read_big_endian32(data.subspan(33, 4));
  if ((parsed.flags & kFlagAttestedData) == 0) return parsed;

  std::size_t offset = kAuthDataMinBytes + kAaguidBytes;
  if (data.size() < offset + 2) fail(Failure::malformed, "attested credential data too short");
  const std::size_t id_length = (std::size_t{data[offset]} << 8) | data[offset + 1];
  offset += 2;
  if (id_length == 0 || id_length > kMaxCredentialIdBytes || data.size() < offset + id_length) {
    fail(Failure::malformed, "credential id length out of range");
  }
  parsed.credential_id.assign(data.begin() + static_cast<std::ptrdiff_t>(offset),
                              data.begin() + static_cast<std::ptrdiff_t>(offset + id_length));
  offset += id_length;
  std::size_t key_length = 0;
  // Decoding finds where the COSE key ends; only its bytes are kept.
  detail::decode_cbor(data.subspan(offset), key_length);
  parsed.credential_public_key = data.subspan(offset, key_length);
  return parsed;
}

struct ClientData {
  std::string type;
  Bytes challenge;
  std::string origin;
  bool cross_origin = false;
};

ClientData parse_client_data(ByteView json_bytes) {
  const auto json = nlohmann::json::parse(json_bytes.begin(), json_bytes.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    fail(Failure::malformed, "clientDataJSON is not a JSON object");
  }
  const auto text_field = [&json](const char* name) {
    const auto found = json.find(name);
    if (found == json.end() || !found->is_string()) {
      fail(Failure::malformed, std::string("clientDataJSON.") + name + " is missing");
    }
    return found->get<std::string>();
  };
  ClientData parsed;
  parsed.type = text_field("type");
  parsed.origin = text_field("origin");
  const auto challenge = crypto::base64url_decode(text_field("challenge"));
  if (!challenge) fail(Failure::malformed, "clientDataJSON.challenge is not base64url");
  parsed.challenge = *challenge;
  const auto cross_origin = json.find("crossOrigin");
  parsed.cross_origin =
      cross_origin != json.end() && cross_origin->is_boolean() && cross_origin->get<bool>();
  return parsed;
}

// Section 7.1 steps 7 to 10 and section 7.2 steps 11 to 14.
crypto::Sha256Digest check_client_data(const RelyingParty& party, ByteView client_data_json,
                                       const char* expected_type, ByteView expected_challenge) {
  const ClientData client = parse_client_data(client_data_json);
  if (client.type != expected_type) {
    fail(Failure::wrong_type, "clientDataJSON.type is not " + std::string(expected_type));
  }
  if (expected_challenge.empty() ||
      !crypto::constant_time_equal(client.challenge, expected_challenge)) {
    fail(Failure::challenge_mismatch, "clientDataJSON.challenge is not the issued challenge");
  }
  if (client.origin != party.origin) {
    fail(Failure::origin_mismatch, "clientDataJSON.origin is not the relying party's origin");
  }
  if (client.cross_origin) fail(Failure::cross_origin, "clientDataJSON.crossOrigin is true");
  return crypto::sha256(client_data_json);
}

// Section 7.1 steps 13 to 15 and section 7.2 steps 15 to 17.
void check_authenticator_flags(const RelyingParty& party, const AuthenticatorData& data,
                               bool require_user_verification) {
  const auto expected = crypto::sha256(crypto::as_byte_view(party.id));
  if (!crypto::constant_time_equal(data.rp_id_hash, expected)) {
    fail(Failure::rp_id_mismatch, "rpIdHash is not SHA-256 of the RP id");
  }
  if ((data.flags & kFlagUserPresent) == 0) {
    fail(Failure::user_not_present, "the user-present flag is clear");
  }
  if (require_user_verification && (data.flags & kFlagUserVerified) == 0) {
    fail(Failure::user_not_verified, "the user-verified flag is clear");
  }
}

Bytes signed_bytes(ByteView authenticator_data, const crypto::Sha256Digest& client_data_hash) {
  Bytes data(authenticator_data.begin(), authenticator_data.end());
  data.insert(data.end(), client_data_hash.begin(), client_data_hash.end());
  return data;
}

// Section 8.2 (packed) without x5c: self attestation, signed with the
// credential's own key under the algorithm that key declares.
void check_packed_self_attestation(const cbor_item_t* statement,
                                   const detail::CosePublicKey& credential_key,
                                   ByteView signed_data) {
  if (detail::map_find(statement, "x5c") != nullptr) {
    fail(Failure::unsupported_attestation, "packed attestation with a certificate chain");
  }
  const auto alg = detail::read_integer(detail::map_find(statement, "alg"), "attStmt.alg");
  if (alg != static_cast<int>(credential_key.algorithm)) {
    fail(Failure::unsupported_attestation, "attStmt.alg differs from the credential's alg");
  }
  const auto signature = detail::read_bytes(detail::map_find(statement, "sig"), "attStmt.sig");
  if (!detail::verify_signature(credential_key, signed_data, signature)) {
    fail(Failure::bad_signature, "the packed self-attestation signature does not verify");
  }
}

}  // namespace

const char* to_string(Failure failure) noexcept {
  switch (failure) {
    case Failure::malformed: return "malformed";
    case Failure::wrong_type: return "wrong_type";
    case Failure::challenge_mismatch: return "challenge_mismatch";
    case Failure::origin_mismatch: return "origin_mismatch";
    case Failure::cross_origin: return "cross_origin";
    case Failure::rp_id_mismatch: return "rp_id_mismatch";
    case Failure::user_not_present: return "user_not_present";
    case Failure::user_not_verified: return "user_not_verified";
    case Failure::unsupported_algorithm: return "unsupported_algorithm";
    case Failure::unsupported_attestation: return "unsupported_attestation";
    case Failure::bad_signature: return "bad_signature";
    case Failure::counter_not_increased: return "counter_not_increased";
  }
  return "malformed";
}

std::string rp_id_from_origin(std::string_view origin) {
  std::string_view rest;
  if (origin.starts_with("https://")) {
    rest = origin.substr(8);
  } else if (origin.starts_with("http://")) {
    rest = origin.substr(7);
  } else {
    throw std::invalid_argument("the origin must start with https:// or http://");
  }
  if (rest.starts_with('[')) {
    throw std::invalid_argument("an IP address cannot be a WebAuthn RP id");
  }
  const auto end = rest.find_first_of(":/");
  const auto host = rest.substr(0, end);
  if (host.empty()) throw std::invalid_argument("the origin has no host");
  return std::string(host);
}

Bytes client_data_challenge(ByteView client_data_json) {
  return parse_client_data(client_data_json).challenge;
}

Registration verify_registration(const RelyingParty& party, const RegistrationRequest& request) {
  const auto client_data_hash = check_client_data(party, request.client_data_json,
                                                  "webauthn.create", request.expected_challenge);

  const auto object = detail::decode_cbor_exact(request.attestation_object);
  if (!detail::is_map(object.get())) fail(Failure::malformed, "attestationObject is not a map");
  const std::string format =
      detail::read_text(detail::map_find(object.get(), "fmt"), "attestationObject.fmt");
  const cbor_item_t* statement = detail::map_find(object.get(), "attStmt");
  if (!detail::is_map(statement)) fail(Failure::malformed, "attStmt is not a map");
  const Bytes auth_data_bytes =
      detail::read_bytes(detail::map_find(object.get(), "authData"), "attestationObject.authData");

  const AuthenticatorData auth_data = parse_authenticator_data(auth_data_bytes);
  check_authenticator_flags(party, auth_data, request.require_user_verification);
  if ((auth_data.flags & kFlagAttestedData) == 0) {
    fail(Failure::malformed, "no attested credential data");
  }
  const auto credential_key = detail::parse_cose_key(auth_data.credential_public_key);

  if (format == "none") {
    if (detail::map_entries(statement) != 0) {
      fail(Failure::unsupported_attestation, "attestation \"none\" with a statement");
    }
  } else if (format == "packed") {
    check_packed_self_attestation(statement, credential_key,
                                  signed_bytes(auth_data_bytes, client_data_hash));
  } else {
    fail(Failure::unsupported_attestation, "attestation format is not none or packed");
  }

  Registration registration;
  registration.credential_id = auth_data.credential_id;
  registration.public_key.assign(auth_data.credential_public_key.begin(),
                                 auth_data.credential_public_key.end());
  registration.algorithm = credential_key.algorithm;
  registration.sign_count = auth_data.sign_count;
  registration.user_verified = (auth_data.flags & kFlagUserVerified) != 0;
  registration.attestation_format = format;
  return registration;
}

Assertion verify_assertion(const RelyingParty& party, const StoredCredential& credential,
                           const AssertionRequest& request) {
  const auto client_data_hash = check_client_data(party, request.client_data_json, "webauthn.get",
                                                  request.expected_challenge);
  const AuthenticatorData auth_data = parse_authenticator_data(request.authenticator_data);
  check_authenticator_flags(party, auth_data, request.require_user_verification);

  const auto key = detail::parse_cose_key(credential.public_key);
  if (!detail::verify_signature(key, signed_bytes(request.authenticator_data, client_data_hash),
                                request.signature)) {
    fail(Failure::bad_signature, "the assertion signature does not verify");
  }
  // Section 7.2 step 21: a counter that does not grow means two copies of
  // the credential may exist. Authenticators without a counter send zero
  // every time, which is allowed only while the stored value is zero too.
  if ((auth_data.sign_count != 0 || credential.sign_count != 0) &&
      auth_data.sign_count <= credential.sign_count) {
    fail(Failure::counter_not_increased, "the signature counter did not increase");
  }

  Assertion assertion;
  assertion.sign_count = auth_data.sign_count;
  assertion.user_verified = (auth_data.flags & kFlagUserVerified) != 0;
  return assertion;
}

}  // namespace telehealth::webauthn
