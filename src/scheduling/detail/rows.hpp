#pragma once

#include <string>

#include "core/time.hpp"
#include "db/connection.hpp"
#include "identity/actor.hpp"

// Helpers shared by the scheduling sources, not part of the component's interface.

namespace telehealth::scheduling::detail {

/// Formats `t` as a statement parameter for a timestamptz column.
std::string time_param(core::Seconds t);

/// Throws forbidden unless `actor` has `role`. The router checks roles
/// first; this keeps domain calls safe when they are reached another way.
void require_role(const identity::Actor& actor, identity::Role role);

}  // namespace telehealth::scheduling::detail
