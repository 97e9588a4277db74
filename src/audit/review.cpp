#include "audit/review.hpp"

#include <charconv>

namespace telehealth::audit {

namespace {

// Every filter is a parameter that is NULL when unset, so the statement text
// never changes. libpq's unnamed statements are planned with the values
// bound, so the unset conditions fold away and the indexes of migration 010
// apply. $8 picks the section, and its two branches match the partial index
// predicate of audit_events_flagged_idx exactly.
constexpr const char* kSearchSql =
    "SELECT e.chain, e.seq, e.id, e.occurred_at, e.event_type, e.actor_id, e.actor_role,"
    " u.display_name, e.patient_id, e.record_type, e.record_id, e.outcome, e.client_ip,"
    " e.user_agent, e.request_id, e.break_glass_id, e.result_ids"
    " FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id"
    " WHERE ($1::uuid IS NULL OR e.patient_id = $1::uuid)"
    " AND ($2::uuid IS NULL OR e.actor_id = $2::uuid)"
    " AND ($3::text IS NULL OR e.event_type = $3::text)"
    " AND ($4::text IS NULL OR starts_with(e.event_type, $4::text))"
    " AND ($5::text IS NULL OR e.outcome = $5::text)"
    " AND ($6::timestamptz IS NULL OR e.occurred_at >= $6::timestamptz)"
    " AND ($7::timestamptz IS NULL OR e.occurred_at < $7::timestamptz)"
    " AND (($8::boolean AND (e.break_glass_id IS NOT NULL OR e.outcome = 'denied'))"
    "   OR (NOT $8::boolean AND e.break_glass_id IS NULL AND e.outcome <> 'denied'))"
    " AND ($9::timestamptz IS NULL"
    "   OR (e.occurred_at, e.chain, e.seq) < ($9::timestamptz, $10::text, $11::bigint))"
    " ORDER BY e.occurred_at DESC, e.chain DESC, e.seq DESC"
    " LIMIT $12";

db::Param time_param(const std::optional<core::Seconds>& time) {
  if (!time) return std::nullopt;
  return core::format_rfc3339(*time);
}

ReviewRow read_row(const db::Result& rows, int row) {
  ReviewRow out;
  out.chain = std::string(rows.text(row, 0));
  out.seq = rows.integer(row, 1);
  out.id = std::string(rows.text(row, 2));
  out.occurred_at = rows.timestamp(row, 3);
  out.event_type = std::string(rows.text(row, 4));
  out.actor_id = rows.optional_text(row, 5);
  out.actor_role = rows.optional_text(row, 6);
  out.actor_display_name = rows.optional_text(row, 7);
  out.patient_id = rows.optional_text(row, 8);
  out.record_type = rows.optional_text(row, 9);
  out.record_id = rows.optional_text(row, 10);
  out.outcome = std::string(rows.text(row, 11));
  out.client_ip = rows.optional_text(row, 12);
  out.user_agent = rows.optional_text(row, 13);
  out.request_id = rows.optional_text(row, 14);
  out.break_glass_id = rows.optional_text(row, 15);
  out.result_ids = rows.optional_text(row, 16);
  out.break_glass = out.break_glass_id.has_value();
  out.denied = out.outcome == "denied";
  return out;
}

// Reads up to `limit` + 1 events of one section after `after`, so the caller
// can tell whether the section goes on.
std::vector<ReviewRow> read_section(db::Transaction& tx, const ReviewFilter& filter,
                                    bool flagged_section, const std::optional<EventKey>& after,
                                    std::size_t limit) {
  const auto rows = tx.exec(
      kSearchSql,
      {filter.patient_id, filter.actor_id, filter.event_type, filter.event_type_prefix,
       filter.outcome, time_param(filter.from), time_param(filter.to),
       std::string(flagged_section ? "true" : "false"),
       after ? db::Param(core::format_rfc3339(after->occurred_at)) : std::nullopt,
       after ? db::Param(after->chain) : std::nullopt,
       after ? db::Param(std::to_string(after->seq)) : std::nullopt, std::to_string(limit + 1)});
  std::vector<ReviewRow> out;
  out.reserve(static_cast<std::size_t>(rows.rows()));
  for (int row = 0; row < rows.rows(); ++row) out.push_back(read_row(rows, row));
  return out;
}

bool is_chain_name(std::string_view text) {
  return !text.empty() && text.size() <= 63 &&
         text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") ==
             std::string_view::npos;
}

template <typename Integer>
std::optional<Integer> parse_integer(std::string_view text) {
  Integer value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::string encode_cursor(const ReviewCursor& cursor) {
  std::string text = cursor.flagged_section ? "f" : "r";
  if (cursor.after) {
    text += '.' + std::to_string(core::to_unix(cursor.after->occurred_at)) + '.' +
            cursor.after->chain + '.' + std::to_string(cursor.after->seq);
  }
  return text;
}

std::optional<ReviewCursor> decode_cursor(std::string_view text) {
  if (text.empty() || (text[0] != 'f' && text[0] != 'r')) return std::nullopt;
  ReviewCursor cursor;
  cursor.flagged_section = text[0] == 'f';
  if (text.size() == 1) return cursor;
  if (text[1] != '.') return std::nullopt;
  // Chain names contain no dot, so the three parts split cleanly.
  const auto rest = text.substr(2);
  const auto first_dot = rest.find('.');
  const auto last_dot = rest.rfind('.');
  if (first_dot == std::string_view::npos || first_dot == last_dot) return std::nullopt;
  const auto seconds = parse_integer<std::int64_t>(rest.substr(0, first_dot));
  const auto chain = rest.substr(first_dot + 1, last_dot - first_dot - 1);
  const auto seq = parse_integer<std::int64_t>(rest.substr(last_dot + 1));
  // 9999-12-31T23:59:59Z: PostgreSQL rejects a later time as out of range.
  constexpr std::int64_t kLastSecond = 253402300799;
  if (!seconds || *seconds < 0 || *seconds > kLastSecond || !is_chain_name(chain) || !seq ||
      *seq < 1) {
    return std::nullopt;
  }
  cursor.after = EventKey{core::Seconds(std::chrono::seconds(*seconds)), std::string(chain), *seq};
  return cursor;
}

ReviewPage search_events(db::Transaction& tx, const ReviewFilter& filter,
                         const std::optional<ReviewCursor>& cursor, std::size_t limit) {
  // A filter on one section skips the other; otherwise the flagged section
  // comes first and the rest fills the page once it runs out.
  ReviewCursor position = cursor.value_or(ReviewCursor{!(filter.flagged == false), std::nullopt});
  if (filter.flagged && *filter.flagged != position.flagged_section) return {};

  ReviewPage page;
  if (position.flagged_section) {
    auto rows = read_section(tx, filter, true, position.after, limit);
    if (rows.size() > limit) {
      rows.resize(limit);
      page.next = ReviewCursor{true, rows.back().key()};
      page.rows = std::move(rows);
      return page;
    }
    page.rows = std::move(rows);
    if (filter.flagged == true) return page;
    position = ReviewCursor{false, std::nullopt};
  }

  const std::size_t room = limit - page.rows.size();
  auto rows = read_section(tx, filter, false, position.after, room);
  if (rows.size() > room) {
    rows.resize(room);
    // A full page of flagged events leaves no room: the next page starts
    // the second section from its beginning.
    page.next = ReviewCursor{false, rows.empty() ? position.after : std::optional(rows.back().key())};
  }
  for (auto& row : rows) page.rows.push_back(std::move(row));
  return page;
}

}  // namespace telehealth::audit
