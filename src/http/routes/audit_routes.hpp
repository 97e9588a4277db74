#pragma once

#include "http/router.hpp"
#include "http/services.hpp"

namespace telehealth::http {

/// The auditor's review of the audit log and its export, and the patient's
/// access report (docs/api.md, Audit review and Access report).
void add_audit_routes(Router& router, Services& services);

}  // namespace telehealth::http
