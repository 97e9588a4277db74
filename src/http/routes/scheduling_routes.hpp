#pragma once

#include <nlohmann/json.hpp>

#include "http/router.hpp"
#include "http/services.hpp"
#include "scheduling/appointments.hpp"
#include "scheduling/person.hpp"

namespace telehealth::http {

/// Clinicians, availability slots and appointments (docs/api.md, Scheduling).
void add_scheduling_routes(Router& router, Services& services);

/// `{id, display_name}`.
nlohmann::json person_json(const scheduling::PersonRef& person);

/// `{id, starts_at, ends_at, status, patient, clinician}`, also used inside
/// a patient's records.
nlohmann::json appointment_json(const scheduling::Appointment& appointment);

}  // namespace telehealth::http
