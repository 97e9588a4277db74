#pragma once

#include "http/router.hpp"
#include "http/services.hpp"

namespace telehealth::http {

/// Secure messaging between a patient and a treating clinician, and the
/// admin's care-team departures (docs/api.md, Messaging). Every thread route
/// authorizes through messaging::authorize_thread, which audits the access,
/// allowed or denied, before anything of the thread is read.
void add_messaging_routes(Router& router, Services& services);

}  // namespace telehealth::http
