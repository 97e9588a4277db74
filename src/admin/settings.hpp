#pragma once

#include <chrono>

namespace telehealth::admin {

/// Lifetimes of admin and emergency-access grants, from the "admin" and
/// "break_glass" sections of the server configuration.
struct Settings {
  /// How long an elevated admin session lasts after its TOTP code.
  std::chrono::seconds elevation_lifetime{15 * 60};
  /// How long an invitation link stays valid.
  std::chrono::seconds invitation_lifetime{72 * 60 * 60};
  /// How long a break-glass episode gives access to its patient.
  std::chrono::seconds break_glass_lifetime{60 * 60};
};

}  // namespace telehealth::admin
