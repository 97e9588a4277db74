#include "records/detail/checks.hpp"

#include "core/error.hpp"

namespace telehealth::records::detail {

void require_clinician(const identity::PatientAccess& access, std::string_view action) {
  if (access.actor().role != identity::Role::clinician) {
    throw core::Error(core::ErrorKind::forbidden, "only a clinician may " + std::string(action));
  }
}

void require_own_appointment(const identity::PatientAccess& access,
                             const std::string& appointment_id) {
  const auto rows = access.tx().exec(
      "SELECT status FROM appointments WHERE id = $1 AND patient_id = $2 AND clinician_id = $3",
      {appointment_id, access.patient_id(), access.actor().user_id});
  if (rows.empty()) {
    throw core::Error(core::ErrorKind::not_found,
                      "appointment_id: none of your appointments with this patient has this id",
                      "appointment_id");
  }
  if (rows.text(0, 0) != "booked") {
    core::throw_unacceptable("appointment_id",
                             "the appointment was cancelled; choose a booked appointment");
  }
}

scheduling::PersonRef read_person(db::Transaction& tx, const std::string& user_id) {
  const auto rows = tx.exec("SELECT display_name FROM users WHERE id = $1", {user_id});
  if (rows.empty()) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "user not found: " + user_id);
  }
  return {user_id, std::string(rows.text(0, 0))};
}

const crypto::SecretBytes& require_data_key(const std::optional<crypto::SecretBytes>& key,
                                            const std::string& patient_id) {
  if (!key) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "patient " + patient_id + " has sealed records but no data key");
  }
  return *key;
}

void throw_tampered(const std::string& what) {
  throw core::Error(core::ErrorKind::internal, "internal error", {},
                    what + " failed authentication: wrong key, altered bytes or moved row");
}

}  // namespace telehealth::records::detail
