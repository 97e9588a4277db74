#include "audit/event.hpp"

namespace telehealth::audit {

const char* to_string(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::allowed: return "allowed";
    case Outcome::denied: return "denied";
    case Outcome::failed: return "failed";
  }
  return "failed";
}

}  // namespace telehealth::audit
