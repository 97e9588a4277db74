#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "crypto/keyring.hpp"
#include "identity/policy.hpp"
#include "scheduling/person.hpp"

// A patient's visit history: appointments, encounter notes and
// prescriptions on one timeline, newest first, a page at a time. The patient
// and their treating clinicians read the same timeline; it never shows a
// draft to anyone but its author.

namespace telehealth::records {

enum class TimelineKind { appointment, encounter, prescription };

const char* to_string(TimelineKind kind) noexcept;

/// The position of a page of the timeline: the entry after which the next
/// page continues. Entries are ordered by time, then kind, then id, all
/// descending, so that entries at the same moment keep a stable order.
struct TimelinePosition {
  std::int64_t at_microseconds = 0;  // Unix time of the entry, in microseconds
  TimelineKind kind = TimelineKind::appointment;
  std::string id;
};

/// Encodes a position as URL-safe text: "<microseconds>.<kind>.<id>".
std::string encode_position(const TimelinePosition& position);
/// Parses encode_position's text; nullopt for anything else.
std::optional<TimelinePosition> decode_position(std::string_view text);

struct TimelineEntry {
  TimelineKind kind = TimelineKind::appointment;
  std::string id;
  core::Seconds occurred_at;  // an appointment's start; a note's or prescription's creation
  std::optional<std::string> appointment_id;
  scheduling::PersonRef clinician;
  std::string status;   // "booked"/"cancelled", "draft"/"signed", "issued"/"cancelled"
  std::string summary;  // plain text, may be empty: a prescription's drug and strength
  TimelinePosition position;
};

struct TimelinePage {
  std::vector<TimelineEntry> entries;
  std::optional<TimelinePosition> next;  // nullopt on the last page
};

inline constexpr std::size_t kDefaultTimelinePage = 20;
inline constexpr std::size_t kMaxTimelinePage = 100;

/// Returns up to `limit` entries of the timeline of `access.patient_id()`
/// after `after` (the first page when nullopt). Opens the sealed values that
/// summaries need, and throws internal (500) if one fails authentication, as
/// read_records does.
TimelinePage read_timeline(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                           const std::optional<TimelinePosition>& after, std::size_t limit);

}  // namespace telehealth::records
