#pragma once

#include <optional>
#include <string>

#include "core/time.hpp"
#include "crypto/keyring.hpp"
#include "db/connection.hpp"
#include "identity/actor.hpp"

namespace telehealth::messaging {

struct Departure {
  std::string id;
  std::string patient_id;
  std::string clinician_id;
  core::Seconds departed_at;
  std::optional<std::string> thread_id;     // the pair's thread, if one exists
  std::optional<int> thread_key_version;    // its new key version
};

/// Records, for an admin, that `clinician_id` left `patient_id`'s care team:
/// from then on identity::has_treating_relationship is false for the pair
/// (until a later booking), so the clinician loses the patient's records and
/// their thread (404). The pair's thread, if any, gets a new key version, so
/// nothing sealed after the departure is under a key the clinician's
/// sessions ever used. Audited in the same transaction as
/// "admin.care_team_departure" and "thread.key_rotate".
///
/// Throws unacceptable (422, field patient_id or clinician_id) when the id
/// names no user of that role, and conflict (409) when the clinician does
/// not treat the patient now. The caller must have checked the elevation.
Departure record_departure(db::Connection& connection, const crypto::Keyring& keyring,
                           const identity::Actor& admin, const std::string& departure_id,
                           const std::string& patient_id, const std::string& clinician_id,
                           core::Seconds now);

}  // namespace telehealth::messaging
