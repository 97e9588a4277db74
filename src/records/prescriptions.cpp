#include "records/prescriptions.hpp"

#include "core/error.hpp"
#include "crypto/aead.hpp"
#include "records/detail/checks.hpp"
#include "records/patient_key.hpp"
#include "records/sealing.hpp"
#include "records/text.hpp"

namespace telehealth::records {

namespace {

using nlohmann::json;

std::string checked_reason(const std::string& reason) {
  const auto trimmed = trim(reason);
  if (trimmed.empty()) core::throw_unacceptable("reason", "must not be empty; say why");
  if (trimmed.find('\0') != std::string_view::npos) {
    core::throw_invalid_field("reason", "must not contain NUL characters");
  }
  if (count_characters(trimmed) > kMaxCancelReasonCharacters) {
    core::throw_unacceptable("reason", "must be at most " +
                                           std::to_string(kMaxCancelReasonCharacters) +
                                           " characters");
  }
  return std::string(trimmed);
}

// The sealed JSON of a version: the prescription's content and status after
// the action, and the reason of a cancellation.
json version_snapshot(const Prescription& prescription,
                      const std::optional<std::string>& cancel_reason) {
  json snapshot{{"status", prescription.status},
                {"cancel_reason", cancel_reason ? json(*cancel_reason) : json(nullptr)}};
  if (prescription.order) {
    snapshot["order"] = to_json(*prescription.order);
  } else {
    snapshot["content"] = to_json(prescription.content);
  }
  return snapshot;
}

crypto::Bytes seal_version(const crypto::SecretBytes& key, const std::string& prescription_id,
                           int version, const json& snapshot) {
  const auto associated_data = prescription_version_associated_data(prescription_id, version);
  const auto plaintext = snapshot.dump();
  return crypto::seal(key, crypto::as_byte_view(plaintext), crypto::as_byte_view(associated_data));
}

void apply_snapshot(const json& snapshot, Prescription& prescription,
                    std::optional<std::string>& cancel_reason) {
  try {
    prescription.status = snapshot.at("status").get<std::string>();
    const auto& reason = snapshot.at("cancel_reason");
    if (!reason.is_null()) cancel_reason = reason.get<std::string>();
    if (snapshot.contains("order")) {
      prescription.order = order_from_json(snapshot.at("order"));
    } else {
      prescription.content = parse_prescription(snapshot.at("content"));
    }
  } catch (const json::exception& error) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "stored version of prescription " + prescription.id +
                          " is not valid: " + error.what());
  }
}

void insert_version(const identity::PatientAccess& access, const crypto::SecretBytes& key,
                    const Prescription& prescription, int version, const std::string& action,
                    const std::optional<std::string>& cancel_reason) {
  const auto sealed =
      seal_version(key, prescription.id, version, version_snapshot(prescription, cancel_reason));
  access.tx().exec(
      "INSERT INTO prescription_versions (prescription_id, version, action, actor_id, created_at,"
      " content_sealed) VALUES ($1, $2, $3, $4, $5, $6)",
      {prescription.id, std::to_string(version), action, access.actor().user_id,
       core::format_rfc3339(access.now()), db::bytea_param(sealed)});
}

// Reads the patient's prescription row, locked for a status change when
// `for_update`. Throws not_found for another patient's or an unknown id.
Prescription read_prescription_row(const identity::PatientAccess& access,
                                   const crypto::SecretBytes& key,
                                   const std::string& prescription_id, bool for_update) {
  const std::string select =
      "SELECT p.appointment_id, p.clinician_id, u.display_name, p.created_at, p.status,"
      " p.content_sealed FROM prescriptions p JOIN users u ON u.id = p.clinician_id"
      " WHERE p.id = $1 AND p.patient_id = $2";
  const auto rows = access.tx().exec(for_update ? select + " FOR UPDATE OF p" : select,
                                     {prescription_id, access.patient_id()});
  if (rows.empty()) core::throw_not_found();

  Prescription prescription;
  prescription.id = prescription_id;
  prescription.appointment_id = std::string(rows.text(0, 0));
  prescription.clinician = {std::string(rows.text(0, 1)), std::string(rows.text(0, 2))};
  prescription.created_at = rows.timestamp(0, 3);
  prescription.status = std::string(rows.text(0, 4));
  try {
    open_prescription_content(key, rows.bytes(0, 5), prescription);
  } catch (const crypto::DecryptError&) {
    detail::throw_tampered("content of prescription " + prescription_id);
  }
  return prescription;
}

// No data key means the patient has no sealed records, so no prescription.
crypto::SecretBytes require_key(std::optional<crypto::SecretBytes> key) {
  if (!key) core::throw_not_found();
  return std::move(*key);
}

}  // namespace

std::string prescription_version_associated_data(std::string_view prescription_id, int version) {
  return "prescription_versions.content:" + std::string(prescription_id) + ":" +
         std::to_string(version);
}

void open_prescription_content(const crypto::SecretBytes& data_key, crypto::ByteView sealed,
                               Prescription& prescription) {
  const auto associated_data = prescription_associated_data(prescription.id);
  const auto plaintext = crypto::open(data_key, sealed, crypto::as_byte_view(associated_data));
  const auto parsed = json::parse(plaintext.begin(), plaintext.end(), nullptr, false);
  if (parsed.is_object() && parsed.contains("drug_code")) {
    prescription.order = order_from_json(parsed);
    return;
  }
  // A row from before migration 013: the free-text fields.
  try {
    prescription.content = parse_prescription(parsed);
  } catch (const core::Error& error) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "stored prescription " + prescription.id +
                          " is not valid: " + error.client_message());
  }
}

json prescription_fields_json(const Prescription& prescription) {
  json fields;
  if (prescription.order) {
    fields = to_json(*prescription.order);
  } else {
    fields = to_json(prescription.content);
    fields["drug_code"] = nullptr;
    fields["drug_system"] = nullptr;
  }
  fields["status"] = prescription.status;
  return fields;
}

Prescription issue_prescription(const identity::PatientAccess& access,
                                const crypto::Keyring& keyring,
                                const std::string& prescription_id,
                                const std::string& appointment_id,
                                const PrescriptionOrder& order) {
  detail::require_clinician(access, "prescribe or cancel");
  detail::require_own_appointment(access, appointment_id);

  Prescription prescription;
  prescription.id = prescription_id;
  prescription.appointment_id = appointment_id;
  prescription.clinician = detail::read_person(access.tx(), access.actor().user_id);
  prescription.created_at = access.now();
  prescription.order = order;
  prescription.status = "issued";

  const auto key = patient_data_key(access, keyring);
  const auto content = to_json(order).dump();
  const auto associated_data = prescription_associated_data(prescription_id);
  const auto sealed =
      crypto::seal(key, crypto::as_byte_view(content), crypto::as_byte_view(associated_data));
  access.tx().exec(
      "INSERT INTO prescriptions (id, patient_id, clinician_id, appointment_id, created_at,"
      " content_sealed, status) VALUES ($1, $2, $3, $4, $5, $6, 'issued')",
      {prescription_id, access.patient_id(), access.actor().user_id, appointment_id,
       core::format_rfc3339(access.now()), db::bytea_param(sealed)});
  insert_version(access, key, prescription, 1, "issued", std::nullopt);
  return prescription;
}

Prescription cancel_prescription(const identity::PatientAccess& access,
                                 const crypto::Keyring& keyring,
                                 const std::string& prescription_id, const std::string& reason) {
  detail::require_clinician(access, "prescribe or cancel");
  const auto checked = checked_reason(reason);

  const auto key = require_key(find_patient_data_key(access, keyring));
  Prescription prescription = read_prescription_row(access, key, prescription_id, true);
  const auto& actor_id = access.actor().user_id;
  if (prescription.clinician.id != actor_id &&
      !identity::has_treating_relationship(access.tx(), actor_id, access.patient_id())) {
    throw core::Error(core::ErrorKind::forbidden,
                      "only the prescriber or a clinician treating this patient may cancel "
                      "a prescription");
  }
  if (prescription.status == "cancelled") {
    throw core::Error(core::ErrorKind::conflict, "prescription: is already cancelled", "status");
  }

  const auto latest = access.tx().exec(
      "SELECT coalesce(max(version), 1) FROM prescription_versions WHERE prescription_id = $1",
      {prescription_id});
  const int version = static_cast<int>(latest.integer(0, 0)) + 1;

  access.tx().exec("UPDATE prescriptions SET status = 'cancelled' WHERE id = $1",
                   {prescription_id});
  prescription.status = "cancelled";
  insert_version(access, key, prescription, version, "cancelled", checked);
  return prescription;
}

std::vector<PrescriptionVersion> read_prescription_versions(
    const identity::PatientAccess& access, const crypto::Keyring& keyring,
    const std::string& prescription_id) {
  const auto key = require_key(find_patient_data_key(access, keyring));
  const Prescription current = read_prescription_row(access, key, prescription_id, false);

  const auto rows = access.tx().exec(
      "SELECT v.version, v.action, v.actor_id, u.display_name, v.created_at, v.content_sealed"
      " FROM prescription_versions v JOIN users u ON u.id = v.actor_id"
      " WHERE v.prescription_id = $1 ORDER BY v.version",
      {prescription_id});

  std::vector<PrescriptionVersion> versions;
  if (rows.empty() || rows.integer(0, 0) != 1) {
    // Written before migration 013: the row itself is the issued version.
    PrescriptionVersion issued;
    issued.version = 1;
    issued.action = "issued";
    issued.actor = current.clinician;
    issued.created_at = current.created_at;
    issued.prescription = current;
    issued.prescription.status = "issued";
    versions.push_back(std::move(issued));
  }
  for (int row = 0; row < rows.rows(); ++row) {
    PrescriptionVersion version;
    version.version = static_cast<int>(rows.integer(row, 0));
    version.action = std::string(rows.text(row, 1));
    version.actor = {std::string(rows.text(row, 2)), std::string(rows.text(row, 3))};
    version.created_at = rows.timestamp(row, 4);
    version.prescription = current;
    version.prescription.order.reset();
    const auto sealed = rows.bytes(row, 5);
    try {
      const auto associated_data = prescription_version_associated_data(prescription_id,
                                                                         version.version);
      const auto plaintext = crypto::open(key, sealed, crypto::as_byte_view(associated_data));
      const auto snapshot = json::parse(plaintext.begin(), plaintext.end(), nullptr, false);
      apply_snapshot(snapshot, version.prescription, version.cancel_reason);
    } catch (const crypto::DecryptError&) {
      detail::throw_tampered("version " + std::to_string(version.version) +
                             " of prescription " + prescription_id);
    }
    versions.push_back(std::move(version));
  }
  return versions;
}

}  // namespace telehealth::records
