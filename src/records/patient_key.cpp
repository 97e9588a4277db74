#include "records/patient_key.hpp"

#include "core/error.hpp"
#include "records/sealing.hpp"

namespace telehealth::records {

namespace {

crypto::SecretBytes unwrap_key(const crypto::Keyring& keyring, const crypto::WrappedKey& wrapped,
                               const std::string& patient_id) {
  try {
    return keyring.unwrap(wrapped, patient_key_associated_data(patient_id));
  } catch (const crypto::KeyringError& error) {
    throw core::Error(core::ErrorKind::unavailable,
                      "the keyring is unavailable; nothing was changed, try again shortly", {},
                      std::string("unwrap patient key: ") + error.what());
  } catch (const crypto::DecryptError&) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "wrapped data key of patient " + patient_id + " failed authentication");
  }
}

}  // namespace

std::optional<crypto::SecretBytes> find_patient_data_key(const identity::PatientAccess& access,
                                                         const crypto::Keyring& keyring) {
  const auto rows = access.tx().exec(
      "SELECT kek_version, wrapped_key FROM patient_keys WHERE patient_id = $1",
      {access.patient_id()});
  if (rows.empty()) return std::nullopt;

  crypto::WrappedKey wrapped;
  wrapped.kek_version = static_cast<int>(rows.integer(0, 0));
  wrapped.sealed = rows.bytes(0, 1);
  return unwrap_key(keyring, wrapped, access.patient_id());
}

crypto::SecretBytes patient_data_key(const identity::PatientAccess& access,
                                     const crypto::Keyring& keyring) {
  if (auto existing = find_patient_data_key(access, keyring)) return std::move(*existing);

  const auto key = crypto::new_data_key();
  const auto wrapped = keyring.wrap(key, patient_key_associated_data(access.patient_id()));
  access.tx().exec(
      "INSERT INTO patient_keys (patient_id, kek_version, wrapped_key, created_at)"
      " VALUES ($1, $2, $3, $4) ON CONFLICT (patient_id) DO NOTHING",
      {access.patient_id(), std::to_string(wrapped.kek_version), db::bytea_param(wrapped.sealed),
       core::format_rfc3339(access.now())});

  // Read back rather than return `key`: a concurrent first use may have
  // stored its own key first, and that one is the patient's key.
  auto stored = find_patient_data_key(access, keyring);
  if (!stored) {
    throw core::Error(core::ErrorKind::internal, "internal error", {},
                      "patient key missing right after insert for " + access.patient_id());
  }
  return std::move(*stored);
}

}  // namespace telehealth::records
