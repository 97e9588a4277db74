#include "identity/session_check.hpp"

namespace telehealth::identity {

bool session_is_current(db::Connection& connection, const std::string& token_hash,
                        core::Seconds now, const SessionPolicy& policy) {
  const auto rows = connection.exec(
      "SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id"
      " WHERE s.token_hash = $1 AND u.active AND s.expires_at > $2 AND s.last_seen_at > $3",
      {db::bytea_param({token_hash.begin(), token_hash.end()}), core::format_rfc3339(now),
       core::format_rfc3339(now - policy.idle_timeout)});
  return !rows.empty();
}

std::vector<std::string> end_user_sessions(db::Connection& connection, const std::string& user_id) {
  const auto rows =
      connection.exec("DELETE FROM sessions WHERE user_id = $1 RETURNING token_hash", {user_id});
  std::vector<std::string> hashes;
  for (int row = 0; row < rows.rows(); ++row) {
    const auto bytes = rows.bytes(row, 0);
    hashes.emplace_back(bytes.begin(), bytes.end());
  }
  return hashes;
}

}  // namespace telehealth::identity
