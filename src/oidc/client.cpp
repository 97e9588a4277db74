#include "oidc/oidc.hpp"

#include <algorithm>

#include "audit/chain.hpp"
#include "core/log.hpp"
#include "crypto/encoding.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "db/transaction.hpp"
#include "identity/attempts.hpp"
#include "identity/users.hpp"
#include "oidc/detail/provider.hpp"
#include "oidc/detail/url.hpp"

namespace telehealth::oidc {

namespace {

using audit::Outcome;

// 256 bits each for state, nonce and the browser key (OWASP ASVS 3.2.2 requires
// for at least 128).
constexpr std::size_t kRandomBytes = 32;

std::string sha256_raw(std::string_view text) {
  const auto digest = crypto::sha256(crypto::as_byte_view(text));
  return {digest.begin(), digest.end()};
}

db::Param raw_param(const std::string& raw) {
  return db::bytea_param(std::vector<std::uint8_t>(raw.begin(), raw.end()));
}

// The PKCE code verifier (RFC 7636 section 4.1) is derived from the browser
// key and the state, so the database never stores it: a reader of the flows
// table cannot redeem an intercepted code.
std::string code_verifier(const std::string& browser_key, const std::string& state) {
  const auto tag = crypto::hmac_sha256(crypto::as_byte_view(browser_key),
                                       crypto::as_byte_view("pkce-verifier:" + state));
  return crypto::base64url_encode(tag);
}

std::string code_challenge(const std::string& verifier) {
  return crypto::base64url_encode(crypto::sha256(crypto::as_byte_view(verifier)));
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : separator) + part;
  return out;
}

[[noreturn]] void deny(const std::string& reason, const std::string& detail) {
  throw LoginFailed(reason, Outcome::denied, detail);
}

// The flow that `state` names, read and deleted in one statement so a state
// is never accepted twice. Returns the stored nonce digest.
std::string consume_flow(db::Connection& connection, const CallbackParameters& callback,
                         core::Seconds now) {
  if (!callback.state || callback.state->empty()) deny("state_mismatch", "no state parameter");
  const auto rows = connection.exec(
      "DELETE FROM oidc_flows WHERE state_hash = $1 RETURNING browser_hash, nonce_hash, expires_at",
      {raw_param(sha256_raw(*callback.state))});
  if (rows.empty()) deny("state_mismatch", "the state matches no sign-in in progress");
  const auto browser_hash = rows.bytes(0, 0);
  const auto nonce_hash = rows.bytes(0, 1);
  const auto expires_at = core::parse_pg_timestamp(rows.text(0, 2));

  // The state alone is not enough: it travelled through the provider and the
  // address bar. The flow cookie proves this browser started the sign-in.
  const auto presented = crypto::sha256(crypto::as_byte_view(callback.browser_key));
  if (callback.browser_key.empty() || !crypto::constant_time_equal(presented, browser_hash)) {
    deny("browser_mismatch", "the flow cookie is missing or belongs to another sign-in");
  }
  if (!expires_at || *expires_at <= now) deny("flow_expired", "the sign-in took too long");
  return {nonce_hash.begin(), nonce_hash.end()};
}

bool is_staff(identity::Role role) { return role != identity::Role::patient; }

// Finds the user linked to (issuer, subject). On the first sign-in, links the
// active staff user whose e-mail address the provider has verified.
identity::User linked_user(db::Connection& connection, const std::string& issuer,
                           const detail::IdToken& token) {
  auto rows = connection.exec(
      "SELECT u.id, u.email, u.display_name, u.role, u.totp_enabled, u.active"
      " FROM oidc_identities i JOIN users u ON u.id = i.user_id"
      " WHERE i.issuer = $1 AND i.subject = $2",
      {issuer, token.subject});
  if (!rows.empty()) return identity::read_user(rows, 0);

  if (!token.email) deny("no_account", "the ID token has no email to link an account by");
  if (!token.email_verified) deny("email_not_verified", "the provider has not verified the email");
  // The column list is identity::kUserColumns, the order read_user expects.
  rows = connection.exec(
      "SELECT id, email, display_name, role, totp_enabled, active FROM users"
      " WHERE lower(email) = lower($1)",
      {*token.email});
  if (rows.empty()) deny("no_account", "no user has the provider's verified email");
  const identity::User user = identity::read_user(rows, 0);
  // Links only a user who may sign in this way; the checks after this
  // function repeat for users linked earlier.
  if (!user.active || !is_staff(user.role)) return user;
  const auto inserted = connection.exec(
      "INSERT INTO oidc_identities (issuer, subject, user_id) VALUES ($1, $2, $3)"
      " ON CONFLICT DO NOTHING",
      {issuer, token.subject, user.id});
  if (inserted.affected() != 1) {
    deny("already_linked", "the user is linked to another subject at this provider");
  }
  return user;
}

bool shows_mfa(const Settings& settings, const detail::IdToken& token) {
  const bool amr_match = std::any_of(token.amr.begin(), token.amr.end(), [&](const auto& method) {
    return std::find(settings.mfa_amr.begin(), settings.mfa_amr.end(), method) !=
           settings.mfa_amr.end();
  });
  const bool acr_match =
      token.acr && std::find(settings.mfa_acr.begin(), settings.mfa_acr.end(), *token.acr) !=
                       settings.mfa_acr.end();
  return amr_match || acr_match;
}

void append_event(db::Connection& connection, const identity::Actor& request,
                  const std::optional<identity::User>& user, Outcome outcome,
                  const std::string& reason, core::Seconds now) {
  audit::Event event;
  event.event_type = "auth.oidc_login";
  if (user) {
    event.actor_id = user->id;
    event.actor_role = identity::to_string(user->role);
  }
  // The reason code travels in record_type/record_id, which the audit row
  // already has, so the chain's hashed fields stay as they are.
  event.record_type = "oidc_reason";
  event.record_id = reason;
  event.outcome = outcome;
  event.client_ip = request.client_ip;
  event.user_agent = request.user_agent;
  event.request_id = request.request_id;
  db::Transaction tx(connection);
  audit::append(tx, event, now);
  tx.commit();
}

}  // namespace

Client::Client(Settings settings)
    : settings_(std::move(settings)), provider_(std::make_unique<Provider>(settings_)) {}

Client::~Client() = default;

AuthorizationRequest Client::start(db::Connection& connection, core::Seconds now) {
  Endpoints urls;
  try {
    urls = provider_->endpoints(now);
  } catch (const detail::Rejected& error) {
    core::log(core::LogLevel::error, "oidc", "discovery failed",
              {{"reason", error.reason()}, {"detail", error.what()}});
    throw LoginFailed("provider_unavailable", Outcome::failed, error.what());
  }
  const std::string state = crypto::random_token(kRandomBytes);
  const std::string nonce = crypto::random_token(kRandomBytes);
  AuthorizationRequest request;
  request.browser_key = crypto::random_token(kRandomBytes);

  // Expired flows are removed here, so the table contains only live ones.
  connection.exec("DELETE FROM oidc_flows WHERE expires_at <= $1", {core::format_rfc3339(now)});
  connection.exec(
      "INSERT INTO oidc_flows (state_hash, browser_hash, nonce_hash, created_at, expires_at)"
      " VALUES ($1, $2, $3, $4, $5)",
      {raw_param(sha256_raw(state)), raw_param(sha256_raw(request.browser_key)),
       raw_param(sha256_raw(nonce)), core::format_rfc3339(now),
       core::format_rfc3339(now + settings_.flow_lifetime)});

  const std::string query = detail::form_encode(
      {{"response_type", "code"},
       {"client_id", settings_.client_id},
       {"redirect_uri", settings_.redirect_uri},
       {"scope", join(settings_.scopes, " ")},
       {"state", state},
       {"nonce", nonce},
       {"code_challenge", code_challenge(code_verifier(request.browser_key, state))},
       {"code_challenge_method", "S256"}});
  const char separator = urls.authorization.find('?') == std::string::npos ? '?' : '&';
  request.url = urls.authorization + separator + query;
  return request;
}

LoginResult Client::finish(db::Connection& connection, const CallbackParameters& callback,
                           const identity::Actor& request, core::Seconds now,
                           const identity::SessionPolicy& policy) {
  std::optional<identity::User> user;
  try {
    const std::string nonce_hash = consume_flow(connection, callback, now);
    // The provider reports a refusal (the user cancelled, or is not allowed
    // to use this client) as error=... instead of a code (RFC 6749 4.1.2.1).
    if (callback.error) deny("provider_error", "the provider returned an error");
    // RFC 9207: a response naming another issuer is a mix-up attack.
    if (callback.issuer && *callback.issuer != settings_.issuer) {
      deny("issuer_mismatch", "the authorization response names another issuer");
    }
    if (!callback.code || callback.code->empty()) deny("provider_error", "no code parameter");

    detail::IdToken token;
    try {
      const std::string id_token = provider_->exchange_code(
          *callback.code, code_verifier(callback.browser_key, *callback.state), now);
      token = provider_->verify(id_token, nonce_hash, now);
    } catch (const detail::Rejected& error) {
      const bool provider_fault = error.reason() == "provider_unavailable" ||
                                  error.reason() == "bad_discovery" ||
                                  error.reason() == "bad_jwks" ||
                                  error.reason() == "bad_token_response";
      throw LoginFailed(error.reason(), provider_fault ? Outcome::failed : Outcome::denied,
                        error.what());
    }

    user = linked_user(connection, settings_.issuer, token);
    if (!is_staff(user->role)) deny("role_not_allowed", "single sign-on is for staff only");
    if (!user->active) deny("user_inactive", "the user is deactivated");
    if (identity::is_locked(connection, user->id, now)) {
      deny("account_locked", "the account is throttled or locked after failed attempts");
    }

    LoginResult result;
    result.mfa_from_provider = shows_mfa(settings_, token);
    db::Transaction tx(connection);
    result.token = identity::start_session(connection, user->id, now, policy,
                                           {request.client_ip, request.user_agent});
    result.session.token_hash = identity::hash_token(result.token);
    result.session.user = *user;
    result.session.mfa_done = result.mfa_from_provider;
    if (result.mfa_from_provider) {
      tx.exec("UPDATE sessions SET mfa_done = true WHERE token_hash = $1",
              {raw_param(result.session.token_hash)});
    }
    tx.exec("UPDATE oidc_identities SET last_login_at = $3 WHERE issuer = $1 AND subject = $2",
            {settings_.issuer, token.subject, core::format_rfc3339(now)});
    tx.commit();
    append_event(connection, request, user, Outcome::allowed,
                 result.mfa_from_provider ? "mfa_at_provider" : "mfa_pending", now);
    return result;
  } catch (const LoginFailed& failure) {
    core::log(failure.outcome() == Outcome::failed ? core::LogLevel::error : core::LogLevel::warn,
              "oidc", "sign-in rejected",
              {{"reason", failure.reason()},
               {"detail", failure.what()},
               {"request_id", request.request_id}});
    append_event(connection, request, user, failure.outcome(), failure.reason(), now);
    throw;
  }
}

void validate_settings(const Settings& settings, const std::string& public_origin) {
  if (!detail::parse_https_url(settings.issuer)) {
    throw std::invalid_argument("oidc.issuer: must be an absolute https URL");
  }
  if (settings.client_id.empty()) throw std::invalid_argument("oidc.client_id: must not be empty");
  // Compared exactly, never by prefix: the provider compares it with its
  // registration, and our only callback route is this one path.
  const std::string expected = public_origin + kCallbackPath;
  if (settings.redirect_uri != expected) {
    throw std::invalid_argument("oidc.redirect_uri: must be exactly " + expected +
                                " (public_origin followed by the callback path)");
  }
  if (std::find(settings.scopes.begin(), settings.scopes.end(), "openid") ==
      settings.scopes.end()) {
    throw std::invalid_argument("oidc.scopes: must include \"openid\"");
  }
  if (settings.display_name.empty()) {
    throw std::invalid_argument("oidc.display_name: must not be empty");
  }
}

}  // namespace telehealth::oidc
