#include "admin/invitations.hpp"

#include "admin/admin_event.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "crypto/random.hpp"
#include "db/transaction.hpp"
#include "identity/password_policy.hpp"
#include "identity/sessions.hpp"
#include "identity/users.hpp"

namespace telehealth::admin {

namespace {

// 256 bits, like a session token: the link alone grants an account.
constexpr std::size_t kTokenBytes = 32;
// RFC 5321 section 4.5.3.1.3 limits a path to 256 octets with its angle
// brackets, so a usable address is at most 254.
constexpr std::size_t kMaxEmailBytes = 254;
constexpr std::size_t kMaxNameBytes = 100;

db::Param token_param(const std::string& token) {
  const std::string hash = identity::hash_token(token);
  return db::bytea_param({hash.begin(), hash.end()});
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

[[noreturn]] void throw_invalid_token() {
  throw core::Error(core::ErrorKind::not_found,
                    "token: this invitation link is unknown, already used or expired; ask "
                    "your administrator for a new one",
                    "token");
}

}  // namespace

std::string check_email(const std::string& email) {
  const std::string trimmed = trim(email);
  const auto at = trimmed.find('@');
  const bool valid = !trimmed.empty() && trimmed.size() <= kMaxEmailBytes &&
                     at != std::string::npos && at > 0 && at + 1 < trimmed.size() &&
                     trimmed.find('@', at + 1) == std::string::npos &&
                     trimmed.find_first_of(" \t\r\n") == std::string::npos &&
                     core::sanitize_utf8(trimmed, kMaxEmailBytes) == trimmed;
  if (!valid)
    core::throw_invalid_field("email", "must be an email address such as name@example.org");
  return trimmed;
}

std::string check_display_name(const std::string& display_name) {
  const std::string trimmed = trim(display_name);
  if (trimmed.empty() || trimmed.size() > kMaxNameBytes ||
      core::sanitize_utf8(trimmed, kMaxNameBytes) != trimmed) {
    core::throw_invalid_field("display_name",
                              "must be 1 to " + std::to_string(kMaxNameBytes) + " bytes of text");
  }
  return trimmed;
}

Invitation create_invitation(db::Connection& connection, const identity::Actor& admin,
                             const std::string& email, identity::Role role, core::Seconds now,
                             std::chrono::seconds lifetime) {
  Invitation invitation;
  invitation.id = crypto::new_uuid();
  invitation.email = check_email(email);
  invitation.role = role;
  invitation.expires_at = now + lifetime;
  invitation.token = crypto::random_token(kTokenBytes);

  db::Transaction tx(connection);
  if (!tx.exec("SELECT 1 FROM users WHERE lower(email) = lower($1)", {invitation.email}).empty()) {
    throw core::Error(core::ErrorKind::conflict, "email: a user with this email already exists",
                      "email");
  }
  tx.exec(
      "INSERT INTO invitations (id, token_hash, email, role, invited_by, created_at, expires_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {invitation.id, token_param(invitation.token), invitation.email, identity::to_string(role),
       admin.user_id, core::format_rfc3339(now), core::format_rfc3339(invitation.expires_at)});
  audit_admin(tx, admin, "admin.invite", "invitation", invitation.id, audit::Outcome::allowed, now);
  tx.commit();
  return invitation;
}

InvitationDetails find_invitation(db::Connection& connection, const std::string& token,
                                  core::Seconds now) {
  const auto rows = connection.exec(
      "SELECT email, role, expires_at FROM invitations"
      " WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2",
      {token_param(token), core::format_rfc3339(now)});
  if (rows.empty()) throw_invalid_token();
  return {std::string(rows.text(0, 0)),
          identity::parse_role(rows.text(0, 1)).value_or(identity::Role::patient),
          rows.timestamp(0, 2)};
}

std::string accept_invitation(db::Connection& connection, const std::string& token,
                              const std::string& display_name, const std::string& password,
                              const identity::Actor& request, core::Seconds now) {
  const std::string name = check_display_name(display_name);
  // The full policy, name words included, is checked again by create_user.
  identity::check_new_password(password, {});

  db::Transaction tx(connection);
  const auto rows = tx.exec(
      "SELECT id, email, role FROM invitations"
      " WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2 FOR UPDATE",
      {token_param(token), core::format_rfc3339(now)});
  if (rows.empty()) {
    auto event = identity::actor_event(request, "auth.invite_accept", audit::Outcome::denied);
    event.actor_id = std::nullopt;
    event.actor_role = std::nullopt;
    audit::append(tx, event, now);
    tx.commit();
    throw_invalid_token();
  }
  const std::string invitation_id(rows.text(0, 0));
  const auto role = identity::parse_role(rows.text(0, 2)).value_or(identity::Role::patient);
  // The unique index on lower(email) turns a user created meanwhile into a
  // conflict (409), and the transaction leaves the invitation unused.
  const std::string user_id =
      identity::create_user(connection, {std::string(rows.text(0, 1)), name, role, password});
  tx.exec("UPDATE invitations SET accepted_at = $2, accepted_user_id = $3 WHERE id = $1",
          {invitation_id, core::format_rfc3339(now), user_id});

  identity::Actor invitee = request;
  invitee.user_id = user_id;
  invitee.role = role;
  auto event = identity::actor_event(invitee, "auth.invite_accept", audit::Outcome::allowed);
  event.record_type = "user";
  event.record_id = user_id;
  audit::append(tx, event, now);
  tx.commit();
  return user_id;
}

}  // namespace telehealth::admin
