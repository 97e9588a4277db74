#pragma once

#include <string>

#include "identity/role.hpp"

namespace telehealth::identity {

/// The signed-in caller of one request, with the request facts every audit
/// event records. Built by the HTTP layer from a verified session only.
struct Actor {
  std::string user_id;
  Role role = Role::patient;
  std::string client_ip;
  std::string user_agent;
  std::string request_id;
};

}  // namespace telehealth::identity
