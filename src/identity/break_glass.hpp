#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "crypto/keyring.hpp"
#include "db/transaction.hpp"
#include "identity/actor.hpp"

namespace telehealth::identity {

// Break-glass (emergency access, HIPAA 164.312(a)(2)(ii)): a clinician who
// does not treat a patient may open that one patient's record for a limited
// time after choosing a reason and writing a justification. Every access in
// the episode is audited with its id, and an admin reviews each episode.

/// The reasons a clinician may choose from, as stored and sent.
std::span<const char* const> break_glass_reasons() noexcept;

/// The shortest justification accepted: enough to say what happened and why.
inline constexpr std::size_t kMinJustificationWords = 4;
inline constexpr std::size_t kMinJustificationChars = 20;
inline constexpr std::size_t kMaxJustificationChars = 2000;

/// Returns `text` trimmed, or throws invalid_field naming "justification"
/// when it has fewer than kMinJustificationWords different words of at least
/// two letters, fewer than kMinJustificationChars characters, or more than
/// kMaxJustificationChars.
std::string check_justification(const std::string& text);

struct PatientRef {
  std::string id;
  std::string display_name;
};

/// Finds a patient by exact email (case-insensitive), so that break-glass
/// search cannot be used to browse patients: no prefix, no partial match, no
/// list. Audited as "break_glass.search": allowed with the patient id when
/// found, failed without one otherwise. The email itself is not audited.
std::optional<PatientRef> find_patient_for_break_glass(db::Connection& connection,
                                                       const Actor& clinician,
                                                       const std::string& email, core::Seconds now);

struct BreakGlassEpisode {
  std::string id;
  std::string clinician_id;
  PatientRef patient;
  std::string reason;
  core::Seconds started_at;
  core::Seconds expires_at;
};

struct BreakGlassRequest {
  std::string patient_id;
  std::string reason;
  std::string justification;
};

/// Starts an episode for `clinician` on one patient, lasting `lifetime`.
/// Throws invalid_field for an unknown reason or a short justification, and
/// not_found (audited as a denied "break_glass.start") when the patient id
/// names no active patient. The justification is sealed by the keyring and
/// never logged. Audited as "break_glass.start", flagged with the episode id.
BreakGlassEpisode start_break_glass(db::Connection& connection, const crypto::Keyring& keyring,
                                    const Actor& clinician, const BreakGlassRequest& request,
                                    core::Seconds now, std::chrono::seconds lifetime);

/// The clinician's episodes that have not expired, newest first.
std::vector<BreakGlassEpisode> list_active_break_glass(db::Connection& connection,
                                                       const std::string& clinician_id,
                                                       core::Seconds now);

/// The id of the newest active episode of `clinician_id` for `patient_id`.
std::optional<std::string> active_break_glass_episode(db::Transaction& tx,
                                                      const std::string& clinician_id,
                                                      const std::string& patient_id,
                                                      core::Seconds now);

/// Associated data of a sealed justification or review note of `episode_id`.
std::string justification_associated_data(const std::string& episode_id);
std::string review_note_associated_data(const std::string& episode_id);

/// Seals free text of an episode under the keyring's active KEK, and opens it.
crypto::WrappedKey seal_episode_text(const crypto::Keyring& keyring, const std::string& text,
                                     const std::string& associated_data);
std::string open_episode_text(const crypto::Keyring& keyring, const crypto::WrappedKey& sealed,
                              const std::string& associated_data);

}  // namespace telehealth::identity
