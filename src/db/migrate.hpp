#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "db/connection.hpp"

namespace telehealth::db {

/// Applies every `NNN_name.sql` in `folder` that is not yet recorded in
/// schema_migrations, in number order, each in its own transaction with its
/// record. Returns the names applied. Released files are never edited: a
/// change is a new file.
std::vector<std::string> migrate(Connection& connection, const std::filesystem::path& folder);

}  // namespace telehealth::db
