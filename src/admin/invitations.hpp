#pragma once

#include <chrono>
#include <string>

#include "core/time.hpp"
#include "db/connection.hpp"
#include "identity/actor.hpp"
#include "identity/role.hpp"

namespace telehealth::admin {

// Invitations: an admin invites a new user by email with a role, and passes
// the single-use link on (the product sends no mail). Only the SHA-256 of
// the link's 256-bit token is stored.

struct Invitation {
  std::string id;
  std::string email;
  identity::Role role = identity::Role::patient;
  core::Seconds expires_at;
  std::string token;  // only in the response to the admin who created it; never logged
};

/// Creates an invitation valid for `lifetime`. Throws invalid_field for an
/// invalid email, and conflict when a user already has the email. Audited as
/// "admin.invite", with the invitation id as record id.
Invitation create_invitation(db::Connection& connection, const identity::Actor& admin,
                             const std::string& email, identity::Role role, core::Seconds now,
                             std::chrono::seconds lifetime);

struct InvitationDetails {
  std::string email;
  identity::Role role = identity::Role::patient;
  core::Seconds expires_at;
};

/// The email and role of an unused, unexpired invitation; throws not_found
/// naming "token" otherwise.
InvitationDetails find_invitation(db::Connection& connection, const std::string& token,
                                  core::Seconds now);

/// Creates the invited user with `display_name` and `password` and uses the
/// invitation up, in one transaction. Returns the new user's id. Throws
/// not_found for an unknown, used or expired token (audited as a denied
/// "auth.invite_accept"), invalid_field for a bad name or password, and
/// conflict when the email has been taken meanwhile. Audited as
/// "auth.invite_accept" by the new user, with the user id as record id.
std::string accept_invitation(db::Connection& connection, const std::string& token,
                              const std::string& display_name, const std::string& password,
                              const identity::Actor& request, core::Seconds now);

/// Returns the trimmed email, or throws invalid_field naming "email".
std::string check_email(const std::string& email);

/// Returns the trimmed display name, or throws invalid_field naming "display_name".
std::string check_display_name(const std::string& display_name);

}  // namespace telehealth::admin
