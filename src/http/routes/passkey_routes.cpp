#include "http/routes/passkey_routes.hpp"

#include "http/routes/auth_routes.hpp"

#include "core/error.hpp"
#include "crypto/encoding.hpp"
#include "identity/passkeys.hpp"

namespace telehealth::http {

namespace {

constexpr const char* kRpName = "Telehealth";

// The browser's public-key-credential type, the only one WebAuthn defines.
constexpr const char* kPublicKey = "public-key";

identity::PasskeySettings passkey_settings(const Services& services) {
  identity::PasskeySettings settings;
  settings.party = {webauthn::rp_id_from_origin(services.public_origin), services.public_origin};
  return settings;
}

std::int64_t timeout_ms(const identity::PasskeySettings& settings) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(settings.challenge_lifetime)
      .count();
}

nlohmann::json credential_descriptors(const std::vector<crypto::Bytes>& ids) {
  auto list = nlohmann::json::array();
  for (const auto& id : ids) {
    list.push_back({{"type", kPublicKey}, {"id", crypto::base64url_encode(id)}});
  }
  return list;
}

// Same shape as the sign-in routes' {user, mfa} in auth_routes.cpp.
nlohmann::json passkey_json(const identity::PasskeyInfo& passkey) {
  nlohmann::json json{{"id", passkey.id},
                      {"name", passkey.name},
                      {"algorithm", passkey.algorithm},
                      {"created_at", core::format_rfc3339(passkey.created_at)},
                      {"last_used_at", nullptr}};
  if (passkey.last_used_at) json["last_used_at"] = core::format_rfc3339(*passkey.last_used_at);
  return json;
}

const nlohmann::json& require_object(const nlohmann::json& body, const std::string& field,
                                     const std::string& path) {
  const auto found = body.find(field);
  if (found == body.end() || !found->is_object()) {
    core::throw_invalid_field(path, "must be an object as navigator.credentials returns it");
  }
  return *found;
}

// Reads a base64url field of a PublicKeyCredential in its JSON form (WebAuthn
// Level 3 toJSON()); `path` names it in errors, for example
// "credential.response.signature".
crypto::Bytes require_base64url(const nlohmann::json& object, const std::string& field,
                                const std::string& path) {
  const auto found = object.find(field);
  if (found == object.end() || !found->is_string()) {
    core::throw_invalid_field(path, "is required as a base64url string");
  }
  auto decoded = crypto::base64url_decode(found->get<std::string>());
  if (!decoded || decoded->empty()) {
    core::throw_invalid_field(path, "must be base64url without padding");
  }
  return *decoded;
}

const nlohmann::json& credential_response(const nlohmann::json& body) {
  const auto& credential = require_object(body, "credential", "credential");
  const auto type = credential.find("type");
  if (type == credential.end() || *type != kPublicKey) {
    core::throw_invalid_field("credential.type", "must be \"public-key\"");
  }
  return credential;
}

identity::AssertionResponse read_assertion(const nlohmann::json& body) {
  const auto& credential = credential_response(body);
  const auto& response = require_object(credential, "response", "credential.response");
  identity::AssertionResponse assertion;
  assertion.credential_id = require_base64url(credential, "rawId", "credential.rawId");
  assertion.client_data_json =
      require_base64url(response, "clientDataJSON", "credential.response.clientDataJSON");
  assertion.authenticator_data =
      require_base64url(response, "authenticatorData", "credential.response.authenticatorData");
  assertion.signature =
      require_base64url(response, "signature", "credential.response.signature");
  const auto handle = response.find("userHandle");
  if (handle != response.end() && !handle->is_null()) {
    assertion.user_handle =
        require_base64url(response, "userHandle", "credential.response.userHandle");
  }
  return assertion;
}

Response registration_options(Services& services, Context& context) {
  const auto settings = passkey_settings(services);
  const auto& user = context.session->user;
  auto lease = services.pool.acquire();
  const auto issued =
      identity::begin_passkey_registration(*lease, *context.session, context.now, settings);
  nlohmann::json algorithms = nlohmann::json::array();
  for (const auto algorithm : {webauthn::Algorithm::eddsa, webauthn::Algorithm::es256,
                               webauthn::Algorithm::rs256}) {
    algorithms.push_back({{"type", kPublicKey}, {"alg", static_cast<int>(algorithm)}});
  }
  return json_response(
      200,
      {{"challenge", crypto::base64url_encode(issued.challenge)},
       {"rp", {{"id", settings.party.id}, {"name", kRpName}}},
       {"user",
        {{"id", crypto::base64url_encode(identity::user_handle(user.id))},
         {"name", user.email},
         {"displayName", user.display_name}}},
       {"pubKeyCredParams", algorithms},
       {"timeout", timeout_ms(settings)},
       {"attestation", "none"},
       // A discoverable credential with user verification, so the same
       // passkey also serves passwordless sign-in.
       {"authenticatorSelection",
        {{"residentKey", "required"},
         {"requireResidentKey", true},
         {"userVerification", "required"}}},
       {"excludeCredentials", credential_descriptors(issued.credential_ids)}});
}

Response register_passkey(Services& services, Context& context) {
  const auto body = context.json_body();
  const auto name = require_string(body, "name");
  const auto& credential = credential_response(body);
  const auto& response = require_object(credential, "response", "credential.response");
  const auto client_data =
      require_base64url(response, "clientDataJSON", "credential.response.clientDataJSON");
  const auto attestation =
      require_base64url(response, "attestationObject", "credential.response.attestationObject");
  auto lease = services.pool.acquire();
  const auto passkey = identity::finish_passkey_registration(
      *lease, *context.session, name, client_data, attestation, *context.actor, context.now,
      passkey_settings(services));
  return json_response(201, passkey_json(passkey));
}

Response list_passkeys(Services& services, Context& context) {
  auto lease = services.pool.acquire();
  auto list = nlohmann::json::array();
  for (const auto& passkey : identity::list_passkeys(*lease, context.session->user.id)) {
    list.push_back(passkey_json(passkey));
  }
  return json_response(200, list);
}

Response remove_passkey(Services& services, Context& context) {
  auto lease = services.pool.acquire();
  identity::remove_passkey(*lease, *context.session, context.param("passkey_id"),
                           *context.actor, context.now);
  return no_content();
}

nlohmann::json assertion_options(const identity::PasskeyChallenge& issued,
                                 const identity::PasskeySettings& settings,
                                 const char* user_verification) {
  return {{"challenge", crypto::base64url_encode(issued.challenge)},
          {"rpId", settings.party.id},
          {"timeout", timeout_ms(settings)},
          {"userVerification", user_verification},
          {"allowCredentials", credential_descriptors(issued.credential_ids)}};
}

Response second_factor_options(Services& services, Context& context) {
  const auto settings = passkey_settings(services);
  auto lease = services.pool.acquire();
  const auto issued =
      identity::begin_passkey_second_factor(*lease, *context.session, context.now, settings);
  return json_response(200, assertion_options(issued, settings, "preferred"));
}

Response second_factor(Services& services, Context& context) {
  const auto assertion = read_assertion(context.json_body());
  auto lease = services.pool.acquire();
  identity::verify_passkey_second_factor(*lease, *context.session, assertion, *context.actor,
                                         context.now, passkey_settings(services));
  return mfa_completed(services, *lease, context, false);
}

Response sign_in_options(Services& services, Context& context) {
  const auto settings = passkey_settings(services);
  auto lease = services.pool.acquire();
  const auto issued = identity::begin_passkey_sign_in(*lease, context.now, settings);
  // An empty allowCredentials lets the authenticator offer its discoverable
  // credentials for this RP id.
  return json_response(200, assertion_options(issued, settings, "required"));
}

Response sign_in(Services& services, Context& context) {
  const auto assertion = read_assertion(context.json_body());
  const identity::Actor request{{}, identity::Role::patient, context.client_ip,
                                context.user_agent, context.request_id};
  auto lease = services.pool.acquire();
  auto result = identity::passkey_sign_in(*lease, assertion, request, context.now,
                                          passkey_settings(services), services.sessions);
  // As at password sign-in, any session the browser already had ends, so the
  // token rotates.
  if (!context.session_token.empty()) identity::end_session(*lease, context.session_token);
  context.set_session_token = result.token;
  return json_response(200, session_json(services, result.session, result.token));
}

}  // namespace

void add_passkey_routes(Router& router, Services& services) {
  auto bind = [&services](Response (*handler)(Services&, Context&)) {
    return [&services, handler](Context& context) { return handler(services, context); };
  };
  router.add({"POST", "/api/auth/passkeys/register/options", Access::verified, {}, false},
             bind(registration_options));
  router.add({"POST", "/api/auth/passkeys", Access::verified, {}, false}, bind(register_passkey));
  router.add({"GET", "/api/auth/passkeys", Access::verified, {}, false}, bind(list_passkeys));
  router.add({"DELETE", "/api/auth/passkeys/{passkey_id}", Access::verified, {}, false},
             bind(remove_passkey));
  // Second factor: the session exists but MFA is still pending.
  router.add({"POST", "/api/auth/passkeys/verify/options", Access::signed_in, {}, false},
             bind(second_factor_options));
  router.add({"POST", "/api/auth/passkeys/verify", Access::signed_in, {}, false},
             bind(second_factor));
  router.add({"POST", "/api/auth/passkeys/login/options", Access::anonymous, {}, false},
             bind(sign_in_options));
  router.add({"POST", "/api/auth/passkeys/login", Access::anonymous, {}, false}, bind(sign_in));
}

}  // namespace telehealth::http
