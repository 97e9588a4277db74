#include "scheduling/detail/rows.hpp"

#include "core/error.hpp"

namespace telehealth::scheduling::detail {

std::string time_param(core::Seconds t) { return core::format_rfc3339(t); }

void require_role(const identity::Actor& actor, identity::Role role) {
  if (actor.role != role) {
    throw core::Error(core::ErrorKind::forbidden,
                      std::string("only a ") + identity::to_string(role) + " may do this");
  }
}

}  // namespace telehealth::scheduling::detail
