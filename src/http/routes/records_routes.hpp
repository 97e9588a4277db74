#pragma once

#include "http/router.hpp"
#include "http/services.hpp"

namespace telehealth::http {

/// A patient's records, encounter notes and prescriptions (docs/api.md,
/// Records). Every route authorizes through identity::authorize_patient,
/// which audits the access, allowed or denied, before any record is read.
void add_records_routes(Router& router, Services& services);

}  // namespace telehealth::http
