#pragma once

#include <string>
#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/secret.hpp"
#include "records/prescription.hpp"

// AES-256-GCM sealing of record contents under a patient's data key. The
// associated data names the table, the column and the row id, so a sealed
// value copied to another row or column fails to open.

namespace telehealth::records {

/// "patient_keys:<patient id>", bound to a patient's wrapped data key.
std::string patient_key_associated_data(std::string_view patient_id);

/// "encounters.note:<encounter id>".
std::string note_associated_data(std::string_view encounter_id);

/// "prescriptions.content:<prescription id>".
std::string prescription_associated_data(std::string_view prescription_id);

crypto::Bytes seal_note(const crypto::SecretBytes& data_key, std::string_view encounter_id,
                        std::string_view note);

/// Opens a note sealed by seal_note for the same encounter. Throws
/// crypto::DecryptError if the key, the bytes or the encounter id differ.
std::string open_note(const crypto::SecretBytes& data_key, std::string_view encounter_id,
                      crypto::ByteView sealed);

/// Seals the JSON form of `content` (see to_json).
crypto::Bytes seal_prescription(const crypto::SecretBytes& data_key,
                                std::string_view prescription_id,
                                const PrescriptionContent& content);

/// Opens content sealed by seal_prescription for the same prescription.
/// Throws crypto::DecryptError as open_note does, and core::Error (internal)
/// if the opened JSON is not a valid prescription.
PrescriptionContent open_prescription(const crypto::SecretBytes& data_key,
                                      std::string_view prescription_id, crypto::ByteView sealed);

}  // namespace telehealth::records
