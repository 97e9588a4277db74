#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "identity/role.hpp"

namespace telehealth::identity {

struct User {
  std::string id;
  std::string email;
  std::string display_name;
  Role role = Role::patient;
  bool totp_enabled = false;
  bool active = true;
};

/// The columns `read_user` expects, in order, for SELECT lists.
inline constexpr const char* kUserColumns = "id, email, display_name, role, totp_enabled, active";

User read_user(const db::Result& rows, int row, int first_column = 0);

std::optional<User> find_user(db::Connection& connection, const std::string& user_id);

struct NewUser {
  std::string email;
  std::string display_name;
  Role role = Role::patient;
  std::string password;
};

/// The words of an email's local part and a display name, which a password
/// must not contain (check_new_password).
std::vector<std::string> context_words(const std::string& email,
                                       const std::string& display_name);

/// Checks the password against the password policy (check_new_password;
/// throws invalid_field "password"), then creates a user with an argon2id
/// password hash; returns the id.
std::string create_user(db::Connection& connection, const NewUser& user);

}  // namespace telehealth::identity
