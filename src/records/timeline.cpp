#include "records/timeline.hpp"

#include <charconv>

#include "core/error.hpp"
#include "core/text.hpp"
#include "crypto/aead.hpp"
#include "records/detail/checks.hpp"
#include "records/patient_key.hpp"
#include "records/prescriptions.hpp"
#include "records/sealing.hpp"

namespace telehealth::records {

namespace {

// One UNION over the three record tables. Each branch reads only this
// patient's rows through its (patient_id, ...) index. Positions compare as
// (microseconds, kind, id) rows, the order of the page.
constexpr const char* kTimelineSql = R"sql(
SELECT t.kind, t.id, (extract(epoch FROM t.at) * 1000000)::bigint AS at_us, t.at,
       t.appointment_id, t.clinician_id, u.display_name, t.status, t.sealed
  FROM (
    SELECT 'appointment' AS kind, a.id, a.starts_at AS at, a.id AS appointment_id,
           a.clinician_id, a.status, NULL::bytea AS sealed
      FROM appointments a WHERE a.patient_id = $1
    UNION ALL
    SELECT 'encounter', e.id, e.created_at, e.appointment_id, e.clinician_id, e.status, NULL
      FROM encounters e
     WHERE e.patient_id = $1 AND (e.status = 'signed' OR e.clinician_id = $6)
    UNION ALL
    SELECT 'prescription', r.id, r.created_at, r.appointment_id, r.clinician_id, r.status,
           r.content_sealed
      FROM prescriptions r WHERE r.patient_id = $1
  ) t
  JOIN users u ON u.id = t.clinician_id
 WHERE $2::bigint IS NULL
    OR ((extract(epoch FROM t.at) * 1000000)::bigint, t.kind, t.id) < ($2::bigint, $3, $4::uuid)
 ORDER BY at_us DESC, t.kind DESC, t.id DESC
 LIMIT $5
)sql";

std::optional<TimelineKind> kind_from(std::string_view text) noexcept {
  if (text == "appointment") return TimelineKind::appointment;
  if (text == "encounter") return TimelineKind::encounter;
  if (text == "prescription") return TimelineKind::prescription;
  return std::nullopt;
}

std::string prescription_summary(const identity::PatientAccess& access,
                                 const std::optional<crypto::SecretBytes>& key,
                                 const std::string& prescription_id,
                                 const std::vector<std::uint8_t>& sealed) {
  try {
    Prescription prescription;
    prescription.id = prescription_id;
    open_prescription_content(detail::require_data_key(key, access.patient_id()), sealed,
                              prescription);
    // A coded prescription's RxNorm name already includes the strength.
    if (prescription.order) return prescription.order->drug;
    return prescription.content.drug + " " + prescription.content.strength;
  } catch (const crypto::DecryptError&) {
    detail::throw_tampered("content of prescription " + prescription_id);
  }
}

}  // namespace

const char* to_string(TimelineKind kind) noexcept {
  switch (kind) {
    case TimelineKind::appointment: return "appointment";
    case TimelineKind::encounter: return "encounter";
    case TimelineKind::prescription: return "prescription";
  }
  return "appointment";
}

std::string encode_position(const TimelinePosition& position) {
  return std::to_string(position.at_microseconds) + '.' + to_string(position.kind) + '.' +
         position.id;
}

std::optional<TimelinePosition> decode_position(std::string_view text) {
  const auto first_dot = text.find('.');
  const auto last_dot = text.rfind('.');
  if (first_dot == std::string_view::npos || first_dot == last_dot) return std::nullopt;

  TimelinePosition position;
  const auto digits = text.substr(0, first_dot);
  const auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), position.at_microseconds);
  // 9999-12-31T23:59:59Z in microseconds: PostgreSQL rejects later times.
  constexpr std::int64_t kLastMicrosecond = 253402300799LL * 1000000;
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
      position.at_microseconds < 0 || position.at_microseconds > kLastMicrosecond) {
    return std::nullopt;
  }
  const auto kind = kind_from(text.substr(first_dot + 1, last_dot - first_dot - 1));
  const auto id = text.substr(last_dot + 1);
  if (!kind || !core::is_uuid(id)) return std::nullopt;
  position.kind = *kind;
  position.id = std::string(id);
  return position;
}

TimelinePage read_timeline(const identity::PatientAccess& access, const crypto::Keyring& keyring,
                           const std::optional<TimelinePosition>& after, std::size_t limit) {
  // $6: a draft note is listed only for its author, as everywhere else.
  db::Params params{access.patient_id(), std::nullopt, std::nullopt, std::nullopt,
                    std::to_string(limit + 1), access.actor().user_id};
  if (after) {
    params[1] = std::to_string(after->at_microseconds);
    params[2] = to_string(after->kind);
    params[3] = after->id;
  }
  const auto rows = access.tx().exec(kTimelineSql, params);
  const auto key = find_patient_data_key(access, keyring);

  TimelinePage page;
  const int shown = std::min<int>(rows.rows(), static_cast<int>(limit));
  for (int row = 0; row < shown; ++row) {
    TimelineEntry entry;
    entry.kind = kind_from(rows.text(row, 0)).value_or(TimelineKind::appointment);
    entry.id = std::string(rows.text(row, 1));
    entry.position = {rows.integer(row, 2), entry.kind, entry.id};
    entry.occurred_at = rows.timestamp(row, 3);
    entry.appointment_id = rows.optional_text(row, 4);
    entry.clinician = {std::string(rows.text(row, 5)), std::string(rows.text(row, 6))};
    entry.status = std::string(rows.text(row, 7));
    if (entry.kind == TimelineKind::prescription) {
      entry.summary = prescription_summary(access, key, entry.id, rows.bytes(row, 8));
    }
    page.entries.push_back(std::move(entry));
  }
  if (rows.rows() > static_cast<int>(limit) && !page.entries.empty()) {
    page.next = page.entries.back().position;
  }
  return page;
}

}  // namespace telehealth::records
