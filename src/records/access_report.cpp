#include "records/access_report.hpp"

#include <array>
#include <utility>

namespace telehealth::records {

namespace {

// Allowed events about the patient by anyone else, newest first in the page
// order of audit::EventKey. A NULL actor (none is written today) still
// counts as someone else.
constexpr const char* kReportSql =
    "SELECT e.chain, e.seq, e.id, e.occurred_at, e.event_type, e.actor_role, u.display_name,"
    " b.reason"
    " FROM audit_events e"
    " LEFT JOIN users u ON u.id = e.actor_id"
    " LEFT JOIN break_glass_episodes b ON b.id = e.break_glass_id"
    " WHERE e.patient_id = $1::uuid AND e.outcome = 'allowed'"
    " AND e.actor_id IS DISTINCT FROM $1::uuid"
    " AND ($2::timestamptz IS NULL"
    "   OR (e.occurred_at, e.chain, e.seq) < ($2::timestamptz, $3::text, $4::bigint))"
    " ORDER BY e.occurred_at DESC, e.chain DESC, e.seq DESC"
    " LIMIT $5";

constexpr std::array<std::pair<std::string_view, std::string_view>, 31> kActions = {{
    {"records.read", "Viewed your records"},
    {"timeline.read", "Viewed your visit history"},
    {"encounter.create", "Wrote a consultation note"},
    {"encounter.draft_save", "Saved a draft consultation note"},
    {"encounter.sign", "Signed a consultation note"},
    {"encounter.amend", "Amended a consultation note"},
    {"encounter.read", "Viewed a consultation note"},
    {"encounter.versions_read", "Viewed the versions of a consultation note"},
    {"encounter.version_read", "Viewed a version of a consultation note"},
    {"prescription.create", "Issued a prescription"},
    {"prescription.cancel", "Cancelled a prescription"},
    {"prescription.versions_read", "Viewed the history of a prescription"},
    {"thread.open", "Opened a message thread with you"},
    {"thread.read", "Read your messages"},
    {"message.send", "Sent you a message"},
    {"message.read_receipt", "Marked your messages as read"},
    {"attachment.send", "Sent you a file in a message"},
    {"attachment.read", "Opened a file in your messages"},
    {"thread.key_rotate", "Renewed the encryption key of your messages"},
    {"admin.care_team_departure", "Recorded that a clinician left your care team"},
    {"appointment.read", "Viewed your appointment"},
    {"appointment.create", "Booked an appointment for you"},
    {"appointment.list", "Viewed your appointments"},
    {"consultation.turn_credentials", "Prepared to join your video consultation"},
    {"consultation.join", "Joined your video consultation"},
    {"consultation.leave", "Left your video consultation"},
    {"break_glass.search", "Looked up your record for emergency access"},
    {"break_glass.start", "Started emergency (break-glass) access to your record"},
    {"admin.break_glass_review", "Reviewed an emergency access to your record"},
    {"audit.search", "Searched the access log of your record"},
    {"audit.export", "Exported the access log of your record"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kBreakGlassReasons = {{
    {"emergency_treatment", "emergency treatment"},
    {"patient_unable_to_consent", "patient unable to consent"},
    {"urgent_continuity_of_care", "urgent continuity of care"},
    {"clinical_safety_concern", "clinical safety concern"},
}};

template <std::size_t N>
std::optional<std::string_view> lookup(
    const std::array<std::pair<std::string_view, std::string_view>, N>& table,
    std::string_view key) {
  for (const auto& [name, words] : table) {
    if (name == key) return words;
  }
  return std::nullopt;
}

AccessReportEntry read_entry(const db::Result& rows, int row) {
  AccessReportEntry entry;
  entry.key = {rows.timestamp(row, 3), std::string(rows.text(row, 0)), rows.integer(row, 1)};
  entry.id = std::string(rows.text(row, 2));
  entry.occurred_at = entry.key.occurred_at;
  entry.event_type = std::string(rows.text(row, 4));
  entry.actor_role = rows.optional_text(row, 5);
  entry.actor_display_name = rows.optional_text(row, 6);
  const auto break_glass_reason = rows.optional_text(row, 7);
  entry.emergency = break_glass_reason.has_value();
  entry.action = describe_action(entry.event_type);
  entry.reason = describe_reason(entry.event_type, entry.actor_role, break_glass_reason);
  return entry;
}

}  // namespace

std::string describe_action(std::string_view event_type) {
  return std::string(lookup(kActions, event_type).value_or("Accessed your record"));
}

std::string describe_reason(std::string_view event_type, const std::optional<std::string>& role,
                            const std::optional<std::string>& break_glass_reason) {
  if (break_glass_reason) {
    return "Emergency (break-glass) access: " +
           std::string(lookup(kBreakGlassReasons, *break_glass_reason).value_or("emergency"));
  }
  if (event_type == "break_glass.search") return "Preparing emergency (break-glass) access";
  if (!role) return "Access by the clinic";
  if (*role == "clinician") return "Your clinician: you have an appointment with them";
  if (*role == "admin") return "Clinic administration";
  if (*role == "auditor") return "Compliance review of the access log";
  return "Access by the clinic";
}

AccessReportPage read_access_report(const identity::PatientAccess& access,
                                    const std::optional<audit::EventKey>& after,
                                    std::size_t limit) {
  const auto rows = access.tx().exec(
      kReportSql,
      {access.patient_id(),
       after ? db::Param(core::format_rfc3339(after->occurred_at)) : std::nullopt,
       after ? db::Param(after->chain) : std::nullopt,
       after ? db::Param(std::to_string(after->seq)) : std::nullopt, std::to_string(limit + 1)});
  AccessReportPage page;
  for (int row = 0; row < rows.rows() && page.entries.size() < limit; ++row) {
    page.entries.push_back(read_entry(rows, row));
  }
  if (static_cast<std::size_t>(rows.rows()) > limit) page.next = page.entries.back().key;
  return page;
}

}  // namespace telehealth::records
