#pragma once

#include <string>
#include <vector>

#include "core/time.hpp"
#include "db/connection.hpp"
#include "identity/actor.hpp"
#include "identity/users.hpp"

namespace telehealth::admin {

// User administration for elevated admins. Each function runs in one
// transaction with its "admin.*" audit event, whose record id is the target
// user's id. None of them reads clinical content.

struct UserSummary {
  identity::User user;
  core::Seconds created_at;
  bool locked = false;  // throttled or locked out by failed attempts
};

/// Every user, by email; audited as "admin.user_list".
std::vector<UserSummary> list_users(db::Connection& connection, const identity::Actor& admin,
                                    core::Seconds now);

/// A changed user and the token hashes of the sessions the change ended, so
/// the caller can close the connections they opened.
struct UserChange {
  identity::User user;
  std::vector<std::string> ended_sessions;
};

/// Deactivates (`active` false) or reactivates a user. Deactivation deletes
/// every session of the user. Throws not_found for an unknown user, and
/// conflict when it would leave no active admin. Audited as
/// "admin.user_deactivate" or "admin.user_reactivate".
UserChange set_user_active(db::Connection& connection, const identity::Actor& admin,
                           const std::string& user_id, bool active, core::Seconds now);

/// Clears the user's TOTP secret, so the next sign-in enrols a new one, and
/// ends the user's sessions. Audited as "admin.mfa_reset".
UserChange reset_user_mfa(db::Connection& connection, const identity::Actor& admin,
                          const std::string& user_id, core::Seconds now);

/// Gives the user `role` and, when it changes, ends the user's sessions so the
/// new role takes effect at once. Throws conflict when it would leave no
/// active admin. Audited as "admin.user_role".
UserChange set_user_role(db::Connection& connection, const identity::Actor& admin,
                         const std::string& user_id, identity::Role role, core::Seconds now);

}  // namespace telehealth::admin
