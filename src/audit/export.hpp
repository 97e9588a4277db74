#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/review.hpp"

// The review's row formats: JSON for the API and the JSON export, and CSV
// (RFC 4180) for spreadsheets. Both carry the same fields under the same
// names.

namespace telehealth::audit {

/// The JSON object of one row: every stored field, the actor's display name,
/// `result_ids` as an array, `flagged` and `flag_reasons`.
nlohmann::json row_json(const ReviewRow& row);

/// The CSV header line of csv_line, with CRLF.
std::string csv_header();

/// One row as a CSV line with CRLF, in the columns of csv_header.
std::string csv_line(const ReviewRow& row);

/// Quotes one CSV cell as RFC 4180 requires (a cell with a comma, quote, CR
/// or LF goes in double quotes, and each quote inside is doubled). A cell
/// that begins with =, +, -, @, tab or CR gets a leading apostrophe first,
/// so that a spreadsheet shows it as text rather than running it as a
/// formula (OWASP "CSV Injection").
std::string csv_cell(std::string_view value);

}  // namespace telehealth::audit
