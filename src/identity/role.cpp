#include "identity/role.hpp"

namespace telehealth::identity {

const char* to_string(Role role) noexcept {
  switch (role) {
    case Role::patient: return "patient";
    case Role::clinician: return "clinician";
    case Role::admin: return "admin";
    case Role::auditor: return "auditor";
  }
  return "patient";
}

std::optional<Role> parse_role(std::string_view text) {
  if (text == "patient") return Role::patient;
  if (text == "clinician") return Role::clinician;
  if (text == "admin") return Role::admin;
  if (text == "auditor") return Role::auditor;
  return std::nullopt;
}

bool requires_mfa(Role role) noexcept { return role != Role::patient; }

}  // namespace telehealth::identity
