#include "records/sealing.hpp"

#include "core/error.hpp"
#include "crypto/aead.hpp"

namespace telehealth::records {

std::string patient_key_associated_data(std::string_view patient_id) {
  return "patient_keys:" + std::string(patient_id);
}

std::string note_associated_data(std::string_view encounter_id) {
  return "encounters.note:" + std::string(encounter_id);
}

std::string prescription_associated_data(std::string_view prescription_id) {
  return "prescriptions.content:" + std::string(prescription_id);
}

crypto::Bytes seal_note(const crypto::SecretBytes& data_key, std::string_view encounter_id,
                        std::string_view note) {
  const auto associated_data = note_associated_data(encounter_id);
  return crypto::seal(data_key, crypto::as_byte_view(note),
                      crypto::as_byte_view(associated_data));
}

std::string open_note(const crypto::SecretBytes& data_key, std::string_view encounter_id,
                      crypto::ByteView sealed) {
  const auto associated_data = note_associated_data(encounter_id);
  const auto plaintext = crypto::open(data_key, sealed, crypto::as_byte_view(associated_data));
  return {plaintext.begin(), plaintext.end()};
}

crypto::Bytes seal_prescription(const crypto::SecretBytes& data_key,
                                std::string_view prescription_id,
                                const PrescriptionContent& content) {
  const auto associated_data = prescription_associated_data(prescription_id);
  const auto plaintext = to_json(content).dump();
  return crypto::seal(data_key, crypto::as_byte_view(plaintext),
                      crypto::as_byte_view(associated_data));
}

PrescriptionContent open_prescription(const crypto::SecretBytes& data_key,
                                      std::string_view prescription_id, crypto::ByteView sealed) {
  const auto associated_data = prescription_associated_data(prescription_id);
  const auto plaintext = crypto::open(data_key, sealed, crypto::as_byte_view(associated_data));
  const auto parsed = nlohmann::json::parse(plaintext.begin(), plaintext.end(), nullptr, false);
  try {
    return parse_prescription(parsed);
  } catch (const core::Error& error) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "stored prescription " + std::string(prescription_id) +
                          " is not valid: " + error.client_message());
  }
}

}  // namespace telehealth::records
