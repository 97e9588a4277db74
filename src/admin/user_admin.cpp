#include "admin/user_admin.hpp"

#include "admin/admin_event.hpp"
#include "core/error.hpp"
#include "db/transaction.hpp"
#include "identity/session_check.hpp"

namespace telehealth::admin {

namespace {

// Locks and reads the target user; audits a failed `event_type` and throws
// not_found when there is none.
identity::User lock_target(db::Transaction& tx, const identity::Actor& admin,
                           const std::string& user_id, const std::string& event_type,
                           core::Seconds now) {
  const auto rows = tx.exec(
      std::string("SELECT ") + identity::kUserColumns + " FROM users WHERE id = $1 FOR UPDATE",
      {user_id});
  if (rows.empty()) {
    audit_admin(tx, admin, event_type, "user", user_id, audit::Outcome::failed, now);
    tx.commit();
    core::throw_not_found();
  }
  return identity::read_user(rows, 0);
}

// Rejects a change that would take `target` out of the active admins when it
// is the last one, whoever makes it: an admin may not lock every admin out,
// themselves included. Locks every active admin row, so two admins removing
// each other at once are serialised and the second sees the first's change.
void keep_an_active_admin(db::Transaction& tx, const identity::Actor& admin,
                          const identity::User& target, bool remains_active_admin,
                          const std::string& event_type, core::Seconds now) {
  if (target.role != identity::Role::admin || !target.active || remains_active_admin) return;
  const auto admins = tx.exec("SELECT id FROM users WHERE role = 'admin' AND active FOR UPDATE");
  if (admins.rows() > 1) return;
  audit_admin(tx, admin, event_type, "user", target.id, audit::Outcome::denied, now);
  tx.commit();
  throw core::Error(core::ErrorKind::conflict,
                    "this change would leave no active admin; make another user an admin first");
}

UserChange finish(db::Transaction& tx, db::Connection& connection, const identity::Actor& admin,
                  identity::User user, bool end_sessions, const std::string& event_type,
                  core::Seconds now) {
  UserChange change;
  change.user = std::move(user);
  if (end_sessions) change.ended_sessions = identity::end_user_sessions(connection, change.user.id);
  audit_admin(tx, admin, event_type, "user", change.user.id, audit::Outcome::allowed, now);
  tx.commit();
  return change;
}

}  // namespace

std::vector<UserSummary> list_users(db::Connection& connection, const identity::Actor& admin,
                                    core::Seconds now) {
  db::Transaction tx(connection);
  audit_admin(tx, admin, "admin.user_list", "user", std::nullopt, audit::Outcome::allowed, now);
  const auto rows = tx.exec(
      std::string("SELECT ") + identity::kUserColumns +  // sql-constant
          ", created_at, coalesce(locked_until > $1, false) FROM users ORDER BY lower(email)"
          " LIMIT 1000",
      {core::format_rfc3339(now)});
  tx.commit();
  std::vector<UserSummary> users;
  for (int row = 0; row < rows.rows(); ++row) {
    users.push_back({identity::read_user(rows, row), rows.timestamp(row, 6), rows.boolean(row, 7)});
  }
  return users;
}

UserChange set_user_active(db::Connection& connection, const identity::Actor& admin,
                           const std::string& user_id, bool active, core::Seconds now) {
  const std::string event_type = active ? "admin.user_reactivate" : "admin.user_deactivate";
  db::Transaction tx(connection);
  auto user = lock_target(tx, admin, user_id, event_type, now);
  keep_an_active_admin(tx, admin, user, active, event_type, now);
  tx.exec("UPDATE users SET active = $2 WHERE id = $1", {user_id, active ? "true" : "false"});
  user.active = active;
  return finish(tx, connection, admin, std::move(user), !active, event_type, now);
}

UserChange reset_user_mfa(db::Connection& connection, const identity::Actor& admin,
                          const std::string& user_id, core::Seconds now) {
  db::Transaction tx(connection);
  auto user = lock_target(tx, admin, user_id, "admin.mfa_reset", now);
  // Every second factor goes: TOTP, passkeys and the recovery codes.
  tx.exec("DELETE FROM recovery_codes WHERE user_id = $1", {user_id});
  tx.exec("DELETE FROM webauthn_credentials WHERE user_id = $1", {user_id});
  tx.exec(
      "UPDATE users SET totp_secret_sealed = NULL, totp_kek_version = NULL,"
      " totp_enabled = false, totp_last_step = NULL WHERE id = $1",
      {user_id});
  user.totp_enabled = false;
  return finish(tx, connection, admin, std::move(user), true, "admin.mfa_reset", now);
}

UserChange set_user_role(db::Connection& connection, const identity::Actor& admin,
                         const std::string& user_id, identity::Role role, core::Seconds now) {
  db::Transaction tx(connection);
  auto user = lock_target(tx, admin, user_id, "admin.user_role", now);
  keep_an_active_admin(tx, admin, user, role == identity::Role::admin, "admin.user_role", now);
  const bool changed = user.role != role;
  tx.exec("UPDATE users SET role = $2 WHERE id = $1", {user_id, identity::to_string(role)});
  user.role = role;
  return finish(tx, connection, admin, std::move(user), changed, "admin.user_role", now);
}

}  // namespace telehealth::admin
