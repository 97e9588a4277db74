#include "identity/break_glass.hpp"

#include <array>
#include <cctype>
#include <set>
#include <sstream>

#include "audit/chain.hpp"
#include "core/error.hpp"
#include "crypto/random.hpp"
#include "identity/actor_event.hpp"

namespace telehealth::identity {

namespace {

constexpr std::array<const char*, 4> kReasons = {
    "emergency_treatment",
    "patient_unable_to_consent",
    "urgent_continuity_of_care",
    "clinical_safety_concern",
};

bool is_reason(const std::string& reason) {
  for (const char* known : kReasons) {
    if (reason == known) return true;
  }
  return false;
}

std::string reasons_list() {
  std::string list;
  for (const char* known : kReasons) {
    if (!list.empty()) list += ", ";
    list += known;
  }
  return list;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// Counts the distinct words (any case) that contain at least two letters, so
// that filler such as "x x x xxxxxxxxxxxxxxxxxxxx" or one word repeated does
// not pass for a reason a reviewer can read.
std::size_t count_words(const std::string& text) {
  std::istringstream words(text);
  std::set<std::string> distinct;
  for (std::string word; words >> word;) {
    std::string letters;
    for (const char c : word) {
      const auto byte = static_cast<unsigned char>(c);
      // Bytes of non-ASCII UTF-8 characters count as letters, so names and
      // words in other scripts are not penalised.
      if (std::isalpha(byte) != 0 || byte >= 0x80) {
        letters.push_back(static_cast<char>(std::tolower(byte)));
      }
    }
    if (letters.size() >= 2) distinct.insert(letters);
  }
  return distinct.size();
}

db::Param bytes_param(const crypto::Bytes& bytes) { return db::bytea_param(bytes); }

BreakGlassEpisode read_episode(const db::Result& rows, int row) {
  BreakGlassEpisode episode;
  episode.id = std::string(rows.text(row, 0));
  episode.clinician_id = std::string(rows.text(row, 1));
  episode.patient.id = std::string(rows.text(row, 2));
  episode.patient.display_name = std::string(rows.text(row, 3));
  episode.reason = std::string(rows.text(row, 4));
  episode.started_at = rows.timestamp(row, 5);
  episode.expires_at = rows.timestamp(row, 6);
  return episode;
}

}  // namespace

std::span<const char* const> break_glass_reasons() noexcept { return kReasons; }

std::string check_justification(const std::string& text) {
  std::string trimmed = trim(text);
  if (trimmed.size() > kMaxJustificationChars) {
    core::throw_invalid_field(
        "justification",
        "must be at most " + std::to_string(kMaxJustificationChars) + " characters");
  }
  if (trimmed.size() < kMinJustificationChars || count_words(trimmed) < kMinJustificationWords) {
    core::throw_invalid_field(
        "justification", "write at least " + std::to_string(kMinJustificationWords) +
                             " different words (" +
                             std::to_string(kMinJustificationChars) +
                             " characters) saying why you need this record now");
  }
  return trimmed;
}

std::string justification_associated_data(const std::string& episode_id) {
  return "break_glass_episodes.justification:" + episode_id;
}

std::string review_note_associated_data(const std::string& episode_id) {
  return "break_glass_episodes.review_note:" + episode_id;
}

crypto::WrappedKey seal_episode_text(const crypto::Keyring& keyring, const std::string& text,
                                     const std::string& associated_data) {
  const crypto::SecretBytes plain(crypto::as_byte_view(text));
  return keyring.wrap(plain, associated_data);
}

std::string open_episode_text(const crypto::Keyring& keyring, const crypto::WrappedKey& sealed,
                              const std::string& associated_data) {
  const auto plain = keyring.unwrap(sealed, associated_data);
  return {plain.bytes().begin(), plain.bytes().end()};
}

std::optional<PatientRef> find_patient_for_break_glass(db::Connection& connection,
                                                       const Actor& clinician,
                                                       const std::string& email,
                                                       core::Seconds now) {
  db::Transaction tx(connection);
  const auto rows = tx.exec(
      "SELECT id, display_name FROM users"
      " WHERE lower(email) = lower($1) AND role = 'patient' AND active",
      {email});
  auto event = actor_event(clinician, "break_glass.search",
                           rows.empty() ? audit::Outcome::failed : audit::Outcome::allowed);
  std::optional<PatientRef> found;
  if (!rows.empty()) {
    found = PatientRef{std::string(rows.text(0, 0)), std::string(rows.text(0, 1))};
    event.patient_id = found->id;
  }
  event.result_ids = audit::id_list(found ? std::vector{found->id} : std::vector<std::string>{});
  audit::append(tx, event, now);
  tx.commit();
  return found;
}

BreakGlassEpisode start_break_glass(db::Connection& connection, const crypto::Keyring& keyring,
                                    const Actor& clinician, const BreakGlassRequest& request,
                                    core::Seconds now, std::chrono::seconds lifetime) {
  if (!is_reason(request.reason)) {
    core::throw_invalid_field("reason", "must be one of " + reasons_list());
  }
  const std::string justification = check_justification(request.justification);

  BreakGlassEpisode episode;
  episode.id = crypto::new_uuid();
  episode.clinician_id = clinician.user_id;
  episode.reason = request.reason;
  episode.started_at = now;
  episode.expires_at = now + lifetime;

  db::Transaction tx(connection);
  const auto patient =
      tx.exec("SELECT id, display_name FROM users WHERE id = $1 AND role = 'patient' AND active",
              {request.patient_id});
  auto event = actor_event(clinician, "break_glass.start", audit::Outcome::allowed);
  event.patient_id = request.patient_id;
  event.record_type = "break_glass_episode";
  if (patient.empty()) {
    event.outcome = audit::Outcome::denied;
    audit::append(tx, event, now);
    tx.commit();
    core::throw_not_found();
  }
  episode.patient = {std::string(patient.text(0, 0)), std::string(patient.text(0, 1))};

  const auto sealed =
      seal_episode_text(keyring, justification, justification_associated_data(episode.id));
  tx.exec(
      "INSERT INTO break_glass_episodes (id, clinician_id, patient_id, reason,"
      " justification_sealed, justification_kek_version, started_at, expires_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {episode.id, clinician.user_id, episode.patient.id, episode.reason,
       bytes_param(sealed.sealed), std::to_string(sealed.kek_version),
       core::format_rfc3339(episode.started_at), core::format_rfc3339(episode.expires_at)});
  event.record_id = episode.id;
  event.break_glass_id = episode.id;
  audit::append(tx, event, now);
  tx.commit();
  return episode;
}

std::vector<BreakGlassEpisode> list_active_break_glass(db::Connection& connection,
                                                       const std::string& clinician_id,
                                                       core::Seconds now) {
  const auto rows = connection.exec(
      "SELECT e.id, e.clinician_id, e.patient_id, u.display_name, e.reason, e.started_at,"
      " e.expires_at FROM break_glass_episodes e JOIN users u ON u.id = e.patient_id"
      " WHERE e.clinician_id = $1 AND e.expires_at > $2 ORDER BY e.started_at DESC LIMIT 100",
      {clinician_id, core::format_rfc3339(now)});
  std::vector<BreakGlassEpisode> episodes;
  for (int row = 0; row < rows.rows(); ++row) episodes.push_back(read_episode(rows, row));
  return episodes;
}

std::optional<std::string> active_break_glass_episode(db::Transaction& tx,
                                                      const std::string& clinician_id,
                                                      const std::string& patient_id,
                                                      core::Seconds now) {
  const auto rows = tx.exec(
      "SELECT id FROM break_glass_episodes WHERE clinician_id = $1 AND patient_id = $2"
      " AND started_at <= $3 AND expires_at > $3 ORDER BY started_at DESC LIMIT 1",
      {clinician_id, patient_id, core::format_rfc3339(now)});
  if (rows.empty()) return std::nullopt;
  return std::string(rows.text(0, 0));
}

}  // namespace telehealth::identity
