#include "scheduling/availability.hpp"

#include "core/error.hpp"
#include "crypto/random.hpp"
#include "db/sqlstate.hpp"
#include "scheduling/detail/rows.hpp"

namespace telehealth::scheduling {

namespace {

using detail::time_param;

// Builds a PostgreSQL array literal such as {a,b,c}, sent as a statement
// parameter. It quotes nothing, so it is only for values that this file
// generates (UUIDs and RFC 3339 times), which contain no special character.
std::string array_literal(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal += ',';
    literal += values[i];
  }
  literal += '}';
  return literal;
}

std::vector<Slot> read_slots(const db::Result& rows) {
  std::vector<Slot> slots;
  slots.reserve(static_cast<std::size_t>(rows.rows()));
  for (int row = 0; row < rows.rows(); ++row) {
    slots.push_back(Slot{std::string(rows.text(row, 0)), std::string(rows.text(row, 1)),
                         TimeRange{rows.timestamp(row, 2), rows.timestamp(row, 3)},
                         rows.boolean(row, 4)});
  }
  return slots;
}

bool is_active_clinician(db::Connection& connection, const std::string& user_id) {
  return !connection
              .exec("SELECT 1 FROM users WHERE id = $1 AND role = 'clinician' AND active",
                    {user_id})
              .empty();
}

}  // namespace

std::vector<Slot> publish_availability(db::Transaction& tx, const identity::Actor& clinician,
                                       const AvailabilityRequest& request, core::Seconds now) {
  detail::require_role(clinician, identity::Role::clinician);
  const auto ranges = cut_into_slots(request, now);

  std::vector<Slot> slots;
  std::vector<std::string> ids, starts, ends;
  for (const auto& range : ranges) {
    slots.push_back(Slot{crypto::new_uuid(), clinician.user_id, range, false});
    ids.push_back(slots.back().id);
    starts.push_back(time_param(range.starts_at));
    ends.push_back(time_param(range.ends_at));
  }

  // One statement for all slots: up to 4032 rows (14 days of 5-minute slots)
  // without one round trip each.
  try {
    tx.exec(
        "INSERT INTO availability_slots (id, clinician_id, starts_at, ends_at, created_at)"
        " SELECT slot.id, $2, slot.starts_at, slot.ends_at, $5"
        " FROM unnest($1::uuid[], $3::timestamptz[], $4::timestamptz[])"
        " AS slot (id, starts_at, ends_at)",
        {array_literal(ids), clinician.user_id, array_literal(starts), array_literal(ends),
         time_param(now)});
  } catch (const db::SqlError& error) {
    if (error.kind() != core::ErrorKind::conflict) throw;
    throw core::Error(core::ErrorKind::conflict,
                      "starts_at: the range overlaps slots you have already published; "
                      "choose a range that does not overlap them",
                      "starts_at", error.detail());
  }
  return slots;
}

std::vector<Slot> list_own_slots(db::Connection& connection, const identity::Actor& clinician,
                                 core::Seconds now) {
  detail::require_role(clinician, identity::Role::clinician);
  const auto rows = connection.exec(
      "SELECT s.id, s.clinician_id, s.starts_at, s.ends_at,"
      " EXISTS (SELECT 1 FROM appointments a WHERE a.clinician_id = s.clinician_id"
      "   AND a.status = 'booked'"
      "   AND tstzrange(a.starts_at, a.ends_at) && tstzrange(s.starts_at, s.ends_at))"
      " FROM availability_slots s WHERE s.clinician_id = $1 AND s.starts_at > $2"
      " ORDER BY s.starts_at LIMIT $3",
      {clinician.user_id, time_param(now), std::to_string(kMaxListedSlots)});
  return read_slots(rows);
}

std::vector<Slot> list_free_slots(db::Connection& connection, const std::string& clinician_id,
                                  core::Seconds now) {
  if (!is_active_clinician(connection, clinician_id)) core::throw_not_found();

  const auto rows = connection.exec(
      "SELECT s.id, s.clinician_id, s.starts_at, s.ends_at, false"
      " FROM availability_slots s WHERE s.clinician_id = $1 AND s.starts_at > $2"
      " AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.clinician_id = s.clinician_id"
      "   AND a.status = 'booked'"
      "   AND tstzrange(a.starts_at, a.ends_at) && tstzrange(s.starts_at, s.ends_at))"
      " ORDER BY s.starts_at LIMIT $3",
      {clinician_id, time_param(now), std::to_string(kMaxListedSlots)});
  return read_slots(rows);
}

std::vector<PersonRef> list_clinicians(db::Connection& connection) {
  const auto rows = connection.exec(
      "SELECT id, display_name FROM users WHERE role = 'clinician' AND active"
      " ORDER BY display_name, id LIMIT $1",
      {std::to_string(kMaxListedClinicians)});

  std::vector<PersonRef> clinicians;
  clinicians.reserve(static_cast<std::size_t>(rows.rows()));
  for (int row = 0; row < rows.rows(); ++row) {
    clinicians.push_back(PersonRef{std::string(rows.text(row, 0)), std::string(rows.text(row, 1))});
  }
  return clinicians;
}

}  // namespace telehealth::scheduling
