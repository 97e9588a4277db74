#include "records/records.hpp"

#include "core/error.hpp"
#include "crypto/aead.hpp"
#include "records/detail/checks.hpp"
#include "records/patient_key.hpp"
#include "records/prescriptions.hpp"
#include "records/sealing.hpp"

namespace telehealth::records {

namespace {

scheduling::PersonRef signed_in_clinician(const identity::PatientAccess& access) {
  const auto rows = access.tx().exec("SELECT display_name FROM users WHERE id = $1",
                                     {access.actor().user_id});
  if (rows.empty()) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "signed-in user not found: " + access.actor().user_id);
  }
  return {access.actor().user_id, std::string(rows.text(0, 0))};
}

scheduling::PersonRef read_patient(const identity::PatientAccess& access) {
  const auto rows = access.tx().exec(
      "SELECT display_name FROM users WHERE id = $1 AND role = 'patient'", {access.patient_id()});
  if (rows.empty()) core::throw_not_found();
  return {access.patient_id(), std::string(rows.text(0, 0))};
}

std::vector<Prescription> read_prescriptions(const identity::PatientAccess& access,
                                             const std::optional<crypto::SecretBytes>& key) {
  const auto rows = access.tx().exec(
      "SELECT r.id, r.appointment_id, r.clinician_id, u.display_name, r.created_at,"
      " r.content_sealed, r.status"
      " FROM prescriptions r JOIN users u ON u.id = r.clinician_id"
      " WHERE r.patient_id = $1 ORDER BY r.created_at, r.id",
      {access.patient_id()});

  std::vector<Prescription> prescriptions;
  for (int row = 0; row < rows.rows(); ++row) {
    Prescription prescription;
    prescription.id = std::string(rows.text(row, 0));
    prescription.appointment_id = std::string(rows.text(row, 1));
    prescription.clinician = {std::string(rows.text(row, 2)), std::string(rows.text(row, 3))};
    prescription.created_at = rows.timestamp(row, 4);
    prescription.status = std::string(rows.text(row, 6));
    try {
      open_prescription_content(detail::require_data_key(key, access.patient_id()),
                                rows.bytes(row, 5), prescription);
    } catch (const crypto::DecryptError&) {
      detail::throw_tampered("content of prescription " + prescription.id);
    }
    prescriptions.push_back(std::move(prescription));
  }
  return prescriptions;
}

}  // namespace

Prescription create_prescription(const identity::PatientAccess& access,
                                 const crypto::Keyring& keyring,
                                 const std::string& prescription_id,
                                 const std::string& appointment_id,
                                 const PrescriptionContent& content) {
  detail::require_clinician(access, "add to a patient's record");
  detail::require_own_appointment(access, appointment_id);

  const auto key = patient_data_key(access, keyring);
  const auto sealed = seal_prescription(key, prescription_id, content);
  access.tx().exec(
      "INSERT INTO prescriptions (id, patient_id, clinician_id, appointment_id, created_at,"
      " content_sealed) VALUES ($1, $2, $3, $4, $5, $6)",
      {prescription_id, access.patient_id(), access.actor().user_id, appointment_id,
       core::format_rfc3339(access.now()), db::bytea_param(sealed)});

  return Prescription{prescription_id, appointment_id, signed_in_clinician(access), access.now(),
                      content, std::nullopt, "issued"};
}

PatientRecords read_records(const identity::PatientAccess& access,
                            const crypto::Keyring& keyring) {
  PatientRecords records;
  records.patient = read_patient(access);
  records.appointments = scheduling::patient_appointments(access);

  const auto key = find_patient_data_key(access, keyring);
  records.encounters = read_visible_notes(access, key);
  records.prescriptions = read_prescriptions(access, key);
  return records;
}

}  // namespace telehealth::records
