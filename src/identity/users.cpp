#include "identity/users.hpp"

#include <cctype>

#include "crypto/password.hpp"
#include "crypto/random.hpp"
#include "identity/password_policy.hpp"

namespace telehealth::identity {

User read_user(const db::Result& rows, int row, int first_column) {
  User user;
  user.id = std::string(rows.text(row, first_column));
  user.email = std::string(rows.text(row, first_column + 1));
  user.display_name = std::string(rows.text(row, first_column + 2));
  user.role = parse_role(rows.text(row, first_column + 3)).value_or(Role::patient);
  user.totp_enabled = rows.boolean(row, first_column + 4);
  user.active = rows.boolean(row, first_column + 5);
  return user;
}

std::optional<User> find_user(db::Connection& connection, const std::string& user_id) {
  const auto rows = connection.exec(
      std::string("SELECT ") + kUserColumns + " FROM users WHERE id = $1", {user_id});
  if (rows.empty()) return std::nullopt;
  return read_user(rows, 0);
}

std::vector<std::string> context_words(const std::string& email,
                                       const std::string& display_name) {
  // The email's local part and the display name, split into words.
  const std::string text = email.substr(0, email.find('@')) + " " + display_name;
  std::vector<std::string> words;
  std::string word;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || (c & 0x80) != 0) {
      word.push_back(c);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::string create_user(db::Connection& connection, const NewUser& user) {
  check_new_password(user.password, context_words(user.email, user.display_name));
  const std::string id = crypto::new_uuid();
  connection.exec(
      "INSERT INTO users (id, email, display_name, role, password_hash)"
      " VALUES ($1, $2, $3, $4, $5)",
      {id, user.email, user.display_name, to_string(user.role),
       crypto::hash_password(user.password)});
  return id;
}

}  // namespace telehealth::identity
