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

std::string id_list(const std::vector<std::string>& ids) {
  std::string joined;
  for (const auto& id : ids) {
    if (!joined.empty()) joined += ',';
    joined += id;
  }
  return joined;
}

}  // namespace telehealth::audit
