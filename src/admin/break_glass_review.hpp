#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "crypto/keyring.hpp"
#include "db/connection.hpp"
#include "identity/actor.hpp"
#include "identity/break_glass.hpp"

namespace telehealth::admin {

// The review queue of break-glass episodes for elevated admins. A reviewer
// gets who opened which patient's record, why, for how long and how many
// audit events the episode holds, but never the record itself.

struct PersonName {
  std::string id;
  std::string display_name;
};

struct EpisodeReview {
  std::string id;
  PersonName clinician;
  PersonName patient;
  std::string reason;
  std::string justification;
  core::Seconds started_at;
  core::Seconds expires_at;
  std::int64_t audit_events = 0;  // events flagged with the episode id
  std::optional<core::Seconds> reviewed_at;
  std::optional<std::string> reviewed_by;
  std::optional<std::string> review_note;
};

/// Maximum length of a review note.
inline constexpr std::size_t kMaxReviewNoteChars = 2000;
/// Minimum length of a review note: enough for a sentence.
inline constexpr std::size_t kMinReviewNoteChars = 10;

/// Episodes, unreviewed first (oldest first, so none waits forever), then
/// reviewed ones, newest first; at most 200. Audited as
/// "admin.break_glass_list".
std::vector<EpisodeReview> list_episodes(db::Connection& connection, const crypto::Keyring& keyring,
                                         const identity::Actor& admin, core::Seconds now);

/// Marks an episode reviewed with `note` (sealed like the justification).
/// Throws not_found for an unknown episode, conflict when it is already
/// reviewed, and invalid_field naming "note" for a note that is too short or
/// too long. Audited as "admin.break_glass_review" with the episode id as
/// record id and the patient id.
EpisodeReview review_episode(db::Connection& connection, const crypto::Keyring& keyring,
                             const identity::Actor& admin, const std::string& episode_id,
                             const std::string& note, core::Seconds now);

}  // namespace telehealth::admin
