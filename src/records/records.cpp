#include "records/records.hpp"

#include "core/error.hpp"
#include "crypto/aead.hpp"
#include "records/patient_key.hpp"
#include "records/prescriptions.hpp"
#include "records/sealing.hpp"

namespace telehealth::records {

namespace {

void require_clinician(const identity::PatientAccess& access) {
  if (access.actor().role != identity::Role::clinician) {
    throw core::Error(core::ErrorKind::forbidden, "only a clinician may add to a patient's record");
  }
}

// A note or prescription belongs to one booked appointment between this
// patient and the clinician who writes it.
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

// Sealed rows without a stored key mean the key row was lost or removed.
const crypto::SecretBytes& require_key(const std::optional<crypto::SecretBytes>& key,
                                       const identity::PatientAccess& access) {
  if (!key) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "patient " + access.patient_id() + " has sealed records but no data key");
  }
  return *key;
}

[[noreturn]] void throw_tampered(const std::string& what) {
  throw core::Error(core::ErrorKind::internal, "internal error", {},
                    what + " failed authentication: wrong key, altered bytes or moved row");
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
      open_prescription_content(require_key(key, access), rows.bytes(row, 5), prescription);
    } catch (const crypto::DecryptError&) {
      throw_tampered("content of prescription " + prescription.id);
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
  require_clinician(access);
  require_own_appointment(access, appointment_id);

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
