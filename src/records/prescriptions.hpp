#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/keyring.hpp"
#include "crypto/secret.hpp"
#include "identity/policy.hpp"
#include "records/prescription_order.hpp"
#include "records/records.hpp"

// Coded prescriptions: issue, cancel with a reason, and the version history.
// Every function takes the identity::PatientAccess that authorize_patient
// returns and works in its transaction, like the rest of src/records.

namespace telehealth::records {

inline constexpr std::size_t kMaxCancelReasonCharacters = 500;

/// One version of a prescription as it was after `action`.
struct PrescriptionVersion {
  int version = 0;
  std::string action;  // "issued" or "cancelled"
  scheduling::PersonRef actor;
  core::Seconds created_at;
  Prescription prescription;          // its content and status after the action
  std::optional<std::string> cancel_reason;  // set for "cancelled"
};

/// Issues a coded prescription by the clinician that `access` was granted to:
/// inserts the prescriptions row and its version 1, both sealed under the
/// patient's data key. Throws forbidden unless the actor is a clinician,
/// not_found (field appointment_id) unless the appointment is between this
/// patient and this clinician, and unacceptable (field appointment_id) if
/// it was cancelled.
Prescription issue_prescription(const identity::PatientAccess& access,
                                const crypto::Keyring& keyring,
                                const std::string& prescription_id,
                                const std::string& appointment_id,
                                const PrescriptionOrder& order);

/// Cancels a prescription of the patient, appending a "cancelled" version
/// with `reason`. Throws unacceptable (field reason) for a blank or over-long
/// reason, and not_found if the patient has no prescription with this id.
/// Throws forbidden unless the actor prescribed it or treats the patient (a
/// booked appointment, because break-glass access is not enough), and
/// conflict (409) if it is already cancelled.
Prescription cancel_prescription(const identity::PatientAccess& access,
                                 const crypto::Keyring& keyring,
                                 const std::string& prescription_id, const std::string& reason);

/// Returns every version of the prescription, oldest first. A prescription
/// written before migration 013 has no version 1 row, and its prescriptions
/// row is returned as version 1. Throws not_found if the patient has no
/// prescription with this id, and internal if a sealed value fails to open.
std::vector<PrescriptionVersion> read_prescription_versions(
    const identity::PatientAccess& access, const crypto::Keyring& keyring,
    const std::string& prescription_id);

/// Opens prescriptions.content_sealed of `prescription.id` into
/// prescription.order (coded rows) or prescription.content (older rows).
/// Throws crypto::DecryptError if the key, bytes or id differ.
void open_prescription_content(const crypto::SecretBytes& data_key, crypto::ByteView sealed,
                               Prescription& prescription);

/// The prescription's content and status as the API returns them: the coded
/// fields with drug_code and drug_system, or for an older row the free-text
/// fields with drug_code and drug_system null.
nlohmann::json prescription_fields_json(const Prescription& prescription);

/// "prescription_versions.content:<prescription id>:<version>".
std::string prescription_version_associated_data(std::string_view prescription_id, int version);

}  // namespace telehealth::records
