#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crypto/secret.hpp"
#include "db/transaction.hpp"
#include "identity/policy.hpp"
#include "scheduling/person.hpp"

// Checks shared by the record types' write and read paths.

namespace telehealth::records::detail {

/// Throws forbidden ("only a clinician may <action>") unless the actor of
/// `access` is a clinician.
void require_clinician(const identity::PatientAccess& access, std::string_view action);

/// Throws not_found (404, field appointment_id) unless `appointment_id` is an
/// appointment between the patient and the clinician of `access`, and
/// unacceptable (422, field appointment_id) if it was cancelled. A note or a
/// prescription belongs to one booked appointment of its author.
void require_own_appointment(const identity::PatientAccess& access,
                             const std::string& appointment_id);

/// Returns the user `user_id` with their display name. Throws internal
/// (500) if there is no such user, which a foreign key rules out.
scheduling::PersonRef read_person(db::Transaction& tx, const std::string& user_id);

/// Returns `*key`. Throws internal (500) when it is nullopt, because sealed
/// rows without a stored key mean the key row was lost or removed.
const crypto::SecretBytes& require_data_key(const std::optional<crypto::SecretBytes>& key,
                                            const std::string& patient_id);

/// Throws internal (500) for a sealed value that failed authentication,
/// naming `what` in the log only.
[[noreturn]] void throw_tampered(const std::string& what);

}  // namespace telehealth::records::detail
