#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace telehealth::identity {

enum class Role { patient, clinician, admin, auditor };

const char* to_string(Role role) noexcept;
std::optional<Role> parse_role(std::string_view text);

/// Clinicians, admins and auditors must complete TOTP before any PHI or admin
/// function (HIPAA 164.312(d) person or entity authentication).
bool requires_mfa(Role role) noexcept;

}  // namespace telehealth::identity
