#pragma once

#include <string>
#include <vector>

#include "core/time.hpp"
#include "db/connection.hpp"
#include "identity/sessions.hpp"

namespace telehealth::identity {

/// True while the session `token_hash` (raw SHA-256) exists, has not expired
/// (idle or absolute, by the rules of resume_session) and its user is active.
/// Unlike resume_session it does not refresh the idle timer, so a connection
/// that only polls cannot keep an idle session alive.
bool session_is_current(db::Connection& connection, const std::string& token_hash,
                        core::Seconds now, const SessionPolicy& policy);

/// Deletes every session of `user_id` and returns their token hashes, so the
/// caller can close the connections they opened.
std::vector<std::string> end_user_sessions(db::Connection& connection, const std::string& user_id);

}  // namespace telehealth::identity
