#pragma once

#include <nlohmann/json.hpp>

#include "http/router.hpp"
#include "http/services.hpp"
#include "records/records.hpp"

namespace telehealth::http {

/// The formulary search and the prescription routes (docs/api.md,
/// Prescriptions): issue, cancel with a reason, and version history. Every
/// prescription route authorizes through with_patient_access, which audits
/// the access, allowed, denied or failed.
void add_prescription_routes(Router& router, Services& services);

/// A prescription as the API returns it: ids, prescriber, time, status and
/// the fields of records::prescription_fields_json.
nlohmann::json prescription_json(const records::Prescription& prescription);

}  // namespace telehealth::http
