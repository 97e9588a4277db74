#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "crypto/keyring.hpp"
#include "identity/policy.hpp"
#include "records/encounter_notes.hpp"
#include "records/prescription.hpp"
#include "records/prescription_order.hpp"
#include "scheduling/appointments.hpp"
#include "scheduling/person.hpp"

// Encounter notes and prescriptions. Every function takes the
// identity::PatientAccess that authorize_patient returns, so none of them
// can run without the audit event for the access, and each works inside
// that access's transaction. Contents are sealed under the patient's data
// key before they reach the database (see sealing.hpp).

namespace telehealth::records {

/// An encounter note as its reader may see it (encounter_notes.hpp).
using Encounter = EncounterNote;

struct Prescription {
  std::string id;
  std::string appointment_id;
  scheduling::PersonRef clinician;
  core::Seconds created_at;
  PrescriptionContent content;  // free text; only rows from before migration 013
  std::optional<PrescriptionOrder> order;  // coded; set for rows issued since then
  std::string status = "issued";           // "issued" or "cancelled"
};

/// A patient's record set. Each list is in time order, oldest first.
struct PatientRecords {
  scheduling::PersonRef patient;
  std::vector<scheduling::Appointment> appointments;
  std::vector<Encounter> encounters;
  std::vector<Prescription> prescriptions;
};

/// Adds a free-text prescription by the clinician that `access` was granted
/// to, with `content` already checked by parse_prescription, in the format
/// of rows written before migration 013 and without a version row. The API
/// issues coded prescriptions (prescriptions.hpp); this remains for the
/// tests that prove such rows still read. Throws as create_note does for
/// the actor and the appointment.
Prescription create_prescription(const identity::PatientAccess& access,
                                 const crypto::Keyring& keyring,
                                 const std::string& prescription_id,
                                 const std::string& appointment_id,
                                 const PrescriptionContent& content);

/// Reads the whole record set of the patient, opening every sealed value.
/// Encounter notes are those the caller may see (read_visible_notes).
/// Throws not_found if the patient is not a patient user, and internal (500)
/// if any sealed value fails authentication, so that a tampered or moved
/// ciphertext never yields a partial record.
PatientRecords read_records(const identity::PatientAccess& access,
                            const crypto::Keyring& keyring);

}  // namespace telehealth::records
