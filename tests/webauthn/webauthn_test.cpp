#include "webauthn/webauthn.hpp"

#include <gtest/gtest.h>

#include "authenticator.hpp"
#include "crypto/hash.hpp"

namespace telehealth::webauthn {
namespace {

using crypto::Bytes;
using testing::AuthDataFields;
using testing::ClientDataFields;

const RelyingParty kParty{"clinic.example", "https://clinic.example:8443"};
const Bytes kChallenge(32, 0x5a);
const Bytes kCredentialId{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};

// Expects `call` to throw VerificationError with `failure`.
template <typename Call>
void expect_failure(Failure failure, Call call) {
  try {
    call();
    ADD_FAILURE() << "expected VerificationError " << to_string(failure);
  } catch (const VerificationError& error) {
    EXPECT_EQ(error.failure(), failure) << error.what();
  }
}

// One credential of the software authenticator, and a registration of it
// whose parts each test may change before verifying.
class Ceremony {
 public:
  explicit Ceremony(Algorithm algorithm)
      : algorithm_(algorithm),
        key_(testing::generate_key(algorithm)),
        cose_key_(testing::cose_public_key(key_.get(), algorithm)) {
    client_.challenge = kChallenge;
  }

  ClientDataFields& client() { return client_; }
  AuthDataFields& auth() { return auth_; }
  const Bytes& cose_key() const { return cose_key_; }

  Registration register_credential(const std::string& format = "none", bool self_sign = false) {
    const Bytes client_data = testing::client_data_json(client_);
    const Bytes auth_data = testing::attested_authenticator_data(auth_, kCredentialId, cose_key_);
    const Bytes object = testing::attestation_object(
        format, auth_data, client_data, self_sign ? key_.get() : nullptr, algorithm_);
    return verify_registration(kParty, {client_data, object, kChallenge, true});
  }

  // Signs an assertion with the current fields and verifies it against a
  // stored counter of `stored_count`.
  Assertion assert_with(std::uint32_t stored_count, bool require_uv = false,
                        bool corrupt_signature = false) {
    client_.type = "webauthn.get";
    const Bytes client_data = testing::client_data_json(client_);
    const Bytes auth_data = testing::authenticator_data(auth_);
    Bytes signed_data = auth_data;
    const auto hash = crypto::sha256(client_data);
    signed_data.insert(signed_data.end(), hash.begin(), hash.end());
    Bytes signature = testing::sign(key_.get(), algorithm_, signed_data);
    if (corrupt_signature) signature[signature.size() / 2] ^= 0x01;
    return verify_assertion(kParty, {cose_key_, stored_count},
                            {client_data, auth_data, signature, kChallenge, require_uv});
  }

 private:
  Algorithm algorithm_;
  testing::Key key_;
  Bytes cose_key_;
  ClientDataFields client_;
  AuthDataFields auth_;
};

class EveryAlgorithm : public ::testing::TestWithParam<Algorithm> {};

std::string algorithm_name(const ::testing::TestParamInfo<Algorithm>& param_info) {
  switch (param_info.param) {
    case Algorithm::es256: return "ES256";
    case Algorithm::rs256: return "RS256";
    case Algorithm::eddsa: return "EdDSA";
  }
  return "unknown";
}

INSTANTIATE_TEST_SUITE_P(Webauthn, EveryAlgorithm,
                         ::testing::Values(Algorithm::es256, Algorithm::rs256, Algorithm::eddsa),
                         algorithm_name);

TEST_P(EveryAlgorithm, RegistrationNoneAccepted) {
  Ceremony ceremony(GetParam());
  ceremony.auth().sign_count = 7;
  const Registration registration = ceremony.register_credential();
  EXPECT_EQ(registration.credential_id, kCredentialId);
  EXPECT_EQ(registration.public_key, ceremony.cose_key());
  EXPECT_EQ(registration.algorithm, GetParam());
  EXPECT_EQ(registration.sign_count, 7u);
  EXPECT_TRUE(registration.user_verified);
  EXPECT_EQ(registration.attestation_format, "none");
}

TEST_P(EveryAlgorithm, PackedSelfAttestationAccepted) {
  Ceremony ceremony(GetParam());
  const Registration registration = ceremony.register_credential("packed", true);
  EXPECT_EQ(registration.attestation_format, "packed");
  EXPECT_EQ(registration.algorithm, GetParam());
}

TEST_P(EveryAlgorithm, AssertionAccepted) {
  Ceremony ceremony(GetParam());
  ceremony.auth().sign_count = 42;
  const Assertion assertion = ceremony.assert_with(41, true);
  EXPECT_EQ(assertion.sign_count, 42u);
  EXPECT_TRUE(assertion.user_verified);
}

TEST_P(EveryAlgorithm, AssertionBadSignatureRejected) {
  Ceremony ceremony(GetParam());
  ceremony.auth().sign_count = 1;
  expect_failure(Failure::bad_signature, [&] { ceremony.assert_with(0, false, true); });
}

TEST_P(EveryAlgorithm, AssertionOtherKeyRejected) {
  Ceremony signer(GetParam());
  Ceremony other(GetParam());
  signer.client().type = "webauthn.get";
  const Bytes client_data = testing::client_data_json(signer.client());
  const Bytes auth_data = testing::authenticator_data(signer.auth());
  // The signature comes from `signer`, the stored key is `other`'s.
  Bytes signed_data = auth_data;
  const auto hash = crypto::sha256(client_data);
  signed_data.insert(signed_data.end(), hash.begin(), hash.end());
  auto signer_key = testing::generate_key(GetParam());
  const Bytes signature = testing::sign(signer_key.get(), GetParam(), signed_data);
  expect_failure(Failure::bad_signature, [&] {
    verify_assertion(kParty, {other.cose_key(), 0},
                     {client_data, auth_data, signature, kChallenge, false});
  });
}

TEST(Registration, PackedSelfAttestationBadSignatureRejected) {
  Ceremony ceremony(Algorithm::es256);
  const Bytes client_data = testing::client_data_json(ceremony.client());
  const Bytes auth_data =
      testing::attested_authenticator_data(ceremony.auth(), kCredentialId, ceremony.cose_key());
  // Signed by a different key than the attested credential's.
  auto other = testing::generate_key(Algorithm::es256);
  const Bytes object =
      testing::attestation_object("packed", auth_data, client_data, other.get(), Algorithm::es256);
  expect_failure(Failure::bad_signature,
                 [&] { verify_registration(kParty, {client_data, object, kChallenge, true}); });
}

TEST(Registration, WrongTypeRejected) {
  Ceremony ceremony(Algorithm::es256);
  ceremony.client().type = "webauthn.get";
  expect_failure(Failure::wrong_type, [&] { ceremony.register_credential(); });
}

TEST(Registration, OtherChallengeRejected) {
  Ceremony ceremony(Algorithm::es256);
  ceremony.client().challenge = Bytes(32, 0x5b);
  expect_failure(Failure::challenge_mismatch, [&] { ceremony.register_credential(); });
}

TEST(Registration, WrongOriginRejected) {
  Ceremony ceremony(Algorithm::es256);
  ceremony.client().origin = "https://clinic.example.evil:8443";
  expect_failure(Failure::origin_mismatch, [&] { ceremony.register_credential(); });
}

TEST(Registration, OriginWithOtherPortRejected) {
  Ceremony ceremony(Algorithm::es256);
  ceremony.client().origin = "https://clinic.example:8444";
  expect_failure(Failure::origin_mismatch, [&] { ceremony.register_credential(); });
}

TEST(Registration, CrossOriginRejected) {
  Ceremony ceremony(Algorithm::es256);
  ceremony.client().cross_origin = true;
  expect_failure(Failure::cross_origin, [&] { ceremony.register_credential(); });
}

TEST(Registration, WrongRpIdRejected) {
  Ceremony ceremony(Algorithm::es256);
  ceremony.auth().rp_id = "evil.example";
  expect_failure(Failure::rp_id_mismatch, [&] { ceremony.register_credential(); });
}

TEST(Registration, UserNotPresentRejected) {
  Ceremony ceremony(Algorithm::es256);
  ceremony.auth().user_present = false;
  expect_failure(Failure::user_not_present, [&] { ceremony.register_credential(); });
}

TEST(Registration, UserNotVerifiedRejected) {
  Ceremony ceremony(Algorithm::es256);
  ceremony.auth().user_verified = false;
  expect_failure(Failure::user_not_verified, [&] { ceremony.register_credential(); });
}

TEST(Registration, OtherAttestationFormatRejected) {
  Ceremony ceremony(Algorithm::es256);
  expect_failure(Failure::unsupported_attestation,
                 [&] { ceremony.register_credential("fido-u2f"); });
}

TEST(Registration, NoneWithStatementRejected) {
  Ceremony ceremony(Algorithm::es256);
  expect_failure(Failure::unsupported_attestation,
                 [&] { ceremony.register_credential("none", true); });
}

TEST(Registration, TruncatedAttestationObjectRejected) {
  Ceremony ceremony(Algorithm::es256);
  const Bytes client_data = testing::client_data_json(ceremony.client());
  const Bytes auth_data =
      testing::attested_authenticator_data(ceremony.auth(), kCredentialId, ceremony.cose_key());
  Bytes object = testing::attestation_object("none", auth_data, client_data);
  object.resize(object.size() - 10);
  expect_failure(Failure::malformed,
                 [&] { verify_registration(kParty, {client_data, object, kChallenge, true}); });
}

TEST(Registration, ClientDataNotJsonRejected) {
  Ceremony ceremony(Algorithm::es256);
  const Bytes client_data{'{', 'x'};
  const Bytes auth_data =
      testing::attested_authenticator_data(ceremony.auth(), kCredentialId, ceremony.cose_key());
  const Bytes object = testing::attestation_object("none", auth_data, client_data);
  expect_failure(Failure::malformed,
                 [&] { verify_registration(kParty, {client_data, object, kChallenge, true}); });
}

TEST(Registration, UnsupportedCurveRejected) {
  // A P-384 key labelled ES256 must not pass as a P-256 key: crv 2 is P-384.
  Ceremony ceremony(Algorithm::es256);
  Bytes cose_key = ceremony.cose_key();
  // The encoded map has the entry "-1: 1" (crv: P-256), bytes 0x20 0x01.
  bool patched = false;
  for (std::size_t i = 0; i + 1 < cose_key.size(); ++i) {
    if (cose_key[i] == 0x20 && cose_key[i + 1] == 0x01) {
      cose_key[i + 1] = 0x02;
      patched = true;
      break;
    }
  }
  ASSERT_TRUE(patched);
  const Bytes client_data = testing::client_data_json(ceremony.client());
  const Bytes auth_data =
      testing::attested_authenticator_data(ceremony.auth(), kCredentialId, cose_key);
  const Bytes object = testing::attestation_object("none", auth_data, client_data);
  expect_failure(Failure::unsupported_algorithm,
                 [&] { verify_registration(kParty, {client_data, object, kChallenge, true}); });
}

TEST(Assertion, RegistrationTypeRejected) {
  Ceremony ceremony(Algorithm::es256);
  ceremony.auth().sign_count = 1;
  // assert_with sets the type to webauthn.get; sign a create instead.
  ceremony.client().type = "webauthn.create";
  const Bytes client_data = testing::client_data_json(ceremony.client());
  const Bytes auth_data = testing::authenticator_data(ceremony.auth());
  expect_failure(Failure::wrong_type, [&] {
    verify_assertion(kParty, {ceremony.cose_key(), 0},
                     {client_data, auth_data, Bytes(64, 0), kChallenge, false});
  });
}

TEST(Assertion, WrongOriginRejected) {
  Ceremony ceremony(Algorithm::eddsa);
  ceremony.client().origin = "https://evil.example";
  expect_failure(Failure::origin_mismatch, [&] { ceremony.assert_with(0); });
}

TEST(Assertion, WrongRpIdRejected) {
  Ceremony ceremony(Algorithm::eddsa);
  ceremony.auth().rp_id = "example";
  expect_failure(Failure::rp_id_mismatch, [&] { ceremony.assert_with(0); });
}

TEST(Assertion, OtherChallengeRejected) {
  Ceremony ceremony(Algorithm::rs256);
  ceremony.client().challenge = Bytes(31, 0x5a);
  expect_failure(Failure::challenge_mismatch, [&] { ceremony.assert_with(0); });
}

TEST(Assertion, UserNotPresentRejected) {
  Ceremony ceremony(Algorithm::es256);
  ceremony.auth().user_present = false;
  expect_failure(Failure::user_not_present, [&] { ceremony.assert_with(0); });
}

TEST(Assertion, UserVerificationOnlyWhenRequired) {
  Ceremony ceremony(Algorithm::es256);
  ceremony.auth().user_verified = false;
  ceremony.auth().sign_count = 1;
  EXPECT_FALSE(ceremony.assert_with(0, false).user_verified);
  ceremony.auth().sign_count = 2;
  expect_failure(Failure::user_not_verified, [&] { ceremony.assert_with(1, true); });
}

TEST(Assertion, CounterEqualRejected) {
  Ceremony ceremony(Algorithm::es256);
  ceremony.auth().sign_count = 5;
  expect_failure(Failure::counter_not_increased, [&] { ceremony.assert_with(5); });
}

TEST(Assertion, CounterBackwardsRejected) {
  Ceremony ceremony(Algorithm::es256);
  ceremony.auth().sign_count = 4;
  expect_failure(Failure::counter_not_increased, [&] { ceremony.assert_with(5); });
}

TEST(Assertion, CounterResetToZeroRejected) {
  Ceremony ceremony(Algorithm::es256);
  ceremony.auth().sign_count = 0;
  expect_failure(Failure::counter_not_increased, [&] { ceremony.assert_with(3); });
}

TEST(Assertion, ZeroCountersAccepted) {
  // Authenticators without a counter (many passkey providers) send zero.
  Ceremony ceremony(Algorithm::eddsa);
  ceremony.auth().sign_count = 0;
  EXPECT_EQ(ceremony.assert_with(0).sign_count, 0u);
}

TEST(Assertion, TruncatedAuthenticatorDataRejected) {
  Ceremony ceremony(Algorithm::es256);
  ceremony.client().type = "webauthn.get";
  const Bytes client_data = testing::client_data_json(ceremony.client());
  Bytes auth_data = testing::authenticator_data(ceremony.auth());
  auth_data.resize(36);
  expect_failure(Failure::malformed, [&] {
    verify_assertion(kParty, {ceremony.cose_key(), 0},
                     {client_data, auth_data, Bytes(64, 0), kChallenge, false});
  });
}

TEST(ClientDataChallenge, DecodesBase64Url) {
  ClientDataFields fields;
  fields.challenge = {0xfb, 0xff, 0x00, 0x10};
  EXPECT_EQ(client_data_challenge(testing::client_data_json(fields)), fields.challenge);
}

TEST(ClientDataChallenge, PaddedChallengeRejected) {
  const std::string json = R"({"type":"webauthn.get","challenge":"-_8AEA==","origin":"x"})";
  expect_failure(Failure::malformed,
                 [&] { client_data_challenge(crypto::as_byte_view(json)); });
}

TEST(RpIdFromOrigin, TakesTheHost) {
  EXPECT_EQ(rp_id_from_origin("https://localhost:8443"), "localhost");
  EXPECT_EQ(rp_id_from_origin("https://clinic.example"), "clinic.example");
  EXPECT_EQ(rp_id_from_origin("http://clinic.example:80/"), "clinic.example");
}

TEST(RpIdFromOrigin, RejectsOtherSchemes) {
  EXPECT_THROW(rp_id_from_origin("ftp://clinic.example"), std::invalid_argument);
  EXPECT_THROW(rp_id_from_origin("https://"), std::invalid_argument);
  EXPECT_THROW(rp_id_from_origin("https://[::1]:8443"), std::invalid_argument);
}

}  // namespace
}  // namespace telehealth::webauthn
