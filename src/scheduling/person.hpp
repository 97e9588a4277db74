#pragma once

#include <string>

namespace telehealth::scheduling {

/// A user named inside another record: an appointment's patient or clinician.
struct PersonRef {
  std::string id;
  std::string display_name;
};

}  // namespace telehealth::scheduling
