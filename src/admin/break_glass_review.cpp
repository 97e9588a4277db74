#include "admin/break_glass_review.hpp"

#include "admin/admin_event.hpp"
#include "core/error.hpp"
#include "db/transaction.hpp"

namespace telehealth::admin {

namespace {

constexpr const char* kEpisodeSelect =
    "SELECT e.id, e.clinician_id, c.display_name, e.patient_id, p.display_name, e.reason,"
    " e.justification_sealed, e.justification_kek_version, e.started_at, e.expires_at,"
    " e.reviewed_at, e.reviewed_by, e.review_note_sealed, e.review_note_kek_version,"
    " (SELECT count(*) FROM audit_events a WHERE a.break_glass_id = e.id)"
    " FROM break_glass_episodes e"
    " JOIN users c ON c.id = e.clinician_id JOIN users p ON p.id = e.patient_id";

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

EpisodeReview read_review(const db::Result& rows, int row, const crypto::Keyring& keyring) {
  EpisodeReview review;
  review.id = std::string(rows.text(row, 0));
  review.clinician = {std::string(rows.text(row, 1)), std::string(rows.text(row, 2))};
  review.patient = {std::string(rows.text(row, 3)), std::string(rows.text(row, 4))};
  review.reason = std::string(rows.text(row, 5));
  review.justification = identity::open_episode_text(
      keyring, {static_cast<int>(rows.integer(row, 7)), rows.bytes(row, 6)},
      identity::justification_associated_data(review.id));
  review.started_at = rows.timestamp(row, 8);
  review.expires_at = rows.timestamp(row, 9);
  if (!rows.is_null(row, 10)) {
    review.reviewed_at = rows.timestamp(row, 10);
    review.reviewed_by = std::string(rows.text(row, 11));
    review.review_note = identity::open_episode_text(
        keyring, {static_cast<int>(rows.integer(row, 13)), rows.bytes(row, 12)},
        identity::review_note_associated_data(review.id));
  }
  review.audit_events = rows.integer(row, 14);
  return review;
}

}  // namespace

std::vector<EpisodeReview> list_episodes(db::Connection& connection, const crypto::Keyring& keyring,
                                         const identity::Actor& admin, core::Seconds now) {
  db::Transaction tx(connection);
  audit_admin(tx, admin, "admin.break_glass_list", "break_glass_episode", std::nullopt,
              audit::Outcome::allowed, now);
  const auto rows = tx.exec(std::string(kEpisodeSelect) +  // sql-constant
                            " ORDER BY e.reviewed_at IS NOT NULL,"
                            " CASE WHEN e.reviewed_at IS NULL THEN e.started_at END ASC,"
                            " e.started_at DESC LIMIT 200");
  tx.commit();
  std::vector<EpisodeReview> reviews;
  for (int row = 0; row < rows.rows(); ++row) reviews.push_back(read_review(rows, row, keyring));
  return reviews;
}

EpisodeReview review_episode(db::Connection& connection, const crypto::Keyring& keyring,
                             const identity::Actor& admin, const std::string& episode_id,
                             const std::string& note, core::Seconds now) {
  const std::string trimmed = trim(note);
  if (trimmed.size() < kMinReviewNoteChars || trimmed.size() > kMaxReviewNoteChars) {
    core::throw_invalid_field("note", "write " + std::to_string(kMinReviewNoteChars) + " to " +
                                          std::to_string(kMaxReviewNoteChars) +
                                          " characters on what the review found");
  }

  db::Transaction tx(connection);
  auto event = identity::actor_event(admin, "admin.break_glass_review", audit::Outcome::allowed);
  event.record_type = "break_glass_episode";
  event.record_id = episode_id;
  const auto found = tx.exec(
      "SELECT patient_id, reviewed_at IS NOT NULL FROM break_glass_episodes WHERE id = $1"
      " FOR UPDATE",
      {episode_id});
  if (found.empty() || found.boolean(0, 1)) {
    event.outcome = audit::Outcome::failed;
    if (!found.empty()) event.patient_id = std::string(found.text(0, 0));
    audit::append(tx, event, now);
    tx.commit();
    if (found.empty()) core::throw_not_found();
    throw core::Error(core::ErrorKind::conflict,
                      "this episode has already been reviewed; its review cannot be changed");
  }
  event.patient_id = std::string(found.text(0, 0));

  const auto sealed = identity::seal_episode_text(
      keyring, trimmed, identity::review_note_associated_data(episode_id));
  tx.exec(
      "UPDATE break_glass_episodes SET reviewed_at = $2, reviewed_by = $3,"
      " review_note_sealed = $4, review_note_kek_version = $5 WHERE id = $1",
      {episode_id, core::format_rfc3339(now), admin.user_id, db::bytea_param(sealed.sealed),
       std::to_string(sealed.kek_version)});
  audit::append(tx, event, now);
  const auto rows = tx.exec(std::string(kEpisodeSelect) + " WHERE e.id = $1",  // sql-constant
                            {episode_id});
  tx.commit();
  return read_review(rows, 0, keyring);
}

}  // namespace telehealth::admin
