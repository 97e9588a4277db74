#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "db/transaction.hpp"

// Reading the audit log back: the auditor's review (filters, flagged events
// first, keyset pages) and the page key that the patient's access report
// shares. Reading only; the caller audits the read itself.

namespace telehealth::audit {

/// The position of an event in page order. Pages list events newest first
/// by (occurred_at, chain, seq), which is unique because (chain, seq) is the
/// primary key, so a page boundary never splits or repeats an event.
struct EventKey {
  core::Seconds occurred_at;
  std::string chain;
  std::int64_t seq = 0;
};

/// The start of the next page: its section (flagged events come first) and
/// the key of the last event already returned, or no key at the start of a
/// section.
struct ReviewCursor {
  bool flagged_section = true;
  std::optional<EventKey> after;
};

/// Encodes a cursor as URL-safe text: "f" or "r" for the section, then, when
/// a key is set, ".<unix seconds>.<chain>.<seq>".
std::string encode_cursor(const ReviewCursor& cursor);
/// Parses encode_cursor's text; nullopt for anything else.
std::optional<ReviewCursor> decode_cursor(std::string_view text);

/// The filters of a review search. Unset fields match every event.
struct ReviewFilter {
  std::optional<std::string> patient_id;         // canonical UUID
  std::optional<std::string> actor_id;           // canonical UUID
  std::optional<std::string> event_type;         // exact match
  std::optional<std::string> event_type_prefix;  // e.g. "auth."
  std::optional<std::string> outcome;            // allowed, denied or failed
  std::optional<core::Seconds> from;             // inclusive
  std::optional<core::Seconds> to;               // exclusive
  std::optional<bool> flagged;                   // only flagged, or only unflagged
};

/// One stored event with every field, and the actor's current display name.
struct ReviewRow {
  std::string chain;
  std::int64_t seq = 0;
  std::string id;
  core::Seconds occurred_at;
  std::string event_type;
  std::optional<std::string> actor_id;
  std::optional<std::string> actor_role;  // as recorded at the time
  std::optional<std::string> actor_display_name;  // nullopt for anonymous callers
  std::optional<std::string> patient_id;
  std::optional<std::string> record_type;
  std::optional<std::string> record_id;
  std::string outcome;
  std::optional<std::string> client_ip;
  std::optional<std::string> user_agent;
  std::optional<std::string> request_id;
  std::optional<std::string> break_glass_id;
  std::optional<std::string> result_ids;  // comma-separated, as stored
  bool break_glass = false;               // flagged: inside a break-glass episode
  bool denied = false;                    // flagged: the outcome is denied

  bool flagged() const noexcept { return break_glass || denied; }
  EventKey key() const { return {occurred_at, chain, seq}; }
};

struct ReviewPage {
  std::vector<ReviewRow> rows;
  std::optional<ReviewCursor> next;  // nullopt on the last page
};

/// Returns up to `limit` events that match `filter`, from `cursor` on (the
/// first page when nullopt). Flagged events (in a break-glass episode, or
/// denied) come first, newest first, then every other event, newest first.
ReviewPage search_events(db::Transaction& tx, const ReviewFilter& filter,
                         const std::optional<ReviewCursor>& cursor, std::size_t limit);

}  // namespace telehealth::audit
