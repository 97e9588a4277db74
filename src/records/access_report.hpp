#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/review.hpp"
#include "core/time.hpp"
#include "identity/policy.hpp"

// The patient's access report: who accessed their record, when and why, read
// from the audit log (45 CFR 164.528 accounting of disclosures, UK GDPR
// Article 15 right of access).
//
// It lists every allowed event about the patient by someone else. The
// patient's own accesses are left out: they are no disclosure to anyone.
// Denied and failed attempts are left out because nothing was read or
// changed; the auditor's review lists the denied ones as flagged.

namespace telehealth::records {

struct AccessReportEntry {
  std::string id;  // the audit event's id
  core::Seconds occurred_at;
  std::string event_type;
  std::optional<std::string> actor_display_name;  // nullopt when no user is recorded
  std::optional<std::string> actor_role;
  std::string action;  // plain words: "Viewed your records"
  std::string reason;  // plain words: why this person could access it
  bool emergency = false;  // inside a break-glass episode
  audit::EventKey key;
};

struct AccessReportPage {
  std::vector<AccessReportEntry> entries;
  std::optional<audit::EventKey> next;  // nullopt on the last page
};

/// Returns up to `limit` entries of the report of `access.patient_id()`,
/// newest first, after `after` (the first page when nullopt). Runs in the
/// access's transaction, whose audit event records that the patient read it.
AccessReportPage read_access_report(const identity::PatientAccess& access,
                                    const std::optional<audit::EventKey>& after,
                                    std::size_t limit);

/// The plain-words action of an event type, as the report shows it.
std::string describe_action(std::string_view event_type);

/// The plain-words reason for an access: the break-glass reason inside an
/// episode (`break_glass_reason` is its stored code), else from the event
/// type and the actor's role.
std::string describe_reason(std::string_view event_type, const std::optional<std::string>& role,
                            const std::optional<std::string>& break_glass_reason);

}  // namespace telehealth::records
