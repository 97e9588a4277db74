#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http/context.hpp"
#include "http/response.hpp"
#include "identity/role.hpp"

namespace telehealth::http {

/// Who may call a route, checked before its handler runs.
enum class Access {
  anonymous,  // no session needed (sign-in, health)
  signed_in,  // a session, even with MFA still pending (TOTP enrolment)
  verified,   // a session whose MFA is done, or a role that needs none
};

/// The facts the server enforces for a route. The route table is the one
/// list of what exists, who may call it and whether it touches PHI.
struct RouteSpec {
  std::string method;   // "GET", "POST", ...
  std::string pattern;  // "/api/patients/{patient_id}/records"
  Access access = Access::verified;
  std::vector<identity::Role> roles;  // empty: any role that passed `access`
  bool phi = false;                   // responses get Cache-Control: no-store
  /// A WebSocket route: the server upgrades it before routing (see
  /// detail/signaling.cpp); listed here so the route table is complete.
  bool websocket = false;
};

const char* to_string(Access access) noexcept;

using Handler = std::function<Response(Context&)>;

struct Route {
  RouteSpec spec;
  Handler handler;
};

class Router {
 public:
  void add(RouteSpec spec, Handler handler);

  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
  };
  /// Finds the route for `method` and `path`. Path parameters must be UUIDs,
  /// so a malformed id is a 404 like any unknown path; they are returned in
  /// canonical (lowercase) form.
  std::optional<Match> match(const std::string& method, const std::string& path) const;

  const std::vector<Route>& routes() const noexcept { return routes_; }

 private:
  std::vector<Route> routes_;
};

/// True for a lowercase or uppercase hyphenated UUID.
bool is_uuid(const std::string& text);

/// The lowercase form PostgreSQL prints. Ids are compared, hashed into the
/// audit chain and bound into associated data as text, so every id from a
/// request is made canonical first.
std::string canonical_uuid(std::string text);

}  // namespace telehealth::http
