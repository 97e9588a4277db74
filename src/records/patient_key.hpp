#pragma once

#include <optional>

#include "crypto/keyring.hpp"
#include "crypto/secret.hpp"
#include "identity/policy.hpp"

// Each patient's records are sealed under one data key, stored in
// patient_keys wrapped by the keyring's active key-encryption key.
// NOTE: unwrapped keys are not cached, so every request that opens or seals
// records unwraps the key again (one AES-GCM operation).

namespace telehealth::records {

/// Returns the data key of the patient that `access` covers, creating,
/// wrapping and storing it in access.tx() on first use. Concurrent first uses
/// agree on one key: the insert does nothing if another transaction stored a
/// key first, and the key is then read back.
///
/// Throws unavailable (503) if the keyring lacks the key-encryption key
/// version that wrapped the stored key, and internal (500) if the wrapped key
/// fails authentication.
crypto::SecretBytes patient_data_key(const identity::PatientAccess& access,
                                     const crypto::Keyring& keyring);

/// Returns the patient's data key, or nullopt if none was ever stored (then
/// the patient has no sealed records). Throws as patient_data_key does.
std::optional<crypto::SecretBytes> find_patient_data_key(const identity::PatientAccess& access,
                                                         const crypto::Keyring& keyring);

}  // namespace telehealth::records
