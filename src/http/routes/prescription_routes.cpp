#include "http/routes/prescription_routes.hpp"

#include "crypto/random.hpp"
#include "http/query.hpp"
#include "http/routes/patient_access.hpp"
#include "http/routes/scheduling_routes.hpp"
#include "records/formulary.hpp"
#include "records/prescriptions.hpp"

namespace telehealth::http {

namespace {

using identity::Role;

// Enough for every product of the shipped formulary in one response.
constexpr std::int64_t kMaxFormularyResults = 100;

const records::Formulary& require_formulary(const Services& services) {
  if (services.formulary == nullptr) {
    throw core::Error(core::ErrorKind::unavailable, "the formulary is not loaded", {},
                      "Services.formulary is null");
  }
  return *services.formulary;
}

Response get_formulary(Services& services, Context& context) {
  const QueryParameters query(context.query, {"q", "limit"});
  const auto prefix = query.text("q").value_or("");
  const auto limit = query.integer("limit", 1, kMaxFormularyResults).value_or(kMaxFormularyResults);

  auto products = nlohmann::json::array();
  for (const auto* product :
       require_formulary(services).search(prefix, static_cast<std::size_t>(limit))) {
    products.push_back(records::to_json(*product));
  }
  nlohmann::json frequencies = nlohmann::json::array();
  for (const auto& frequency : records::kFrequencies) {
    frequencies.push_back({{"code", frequency.code},
                           {"label", frequency.label},
                           {"per_week", frequency.per_week}});
  }
  return json_response(200, {{"products", std::move(products)},
                             {"frequencies", std::move(frequencies)}});
}

nlohmann::json version_json(const records::PrescriptionVersion& version) {
  return {{"version", version.version},
          {"action", version.action},
          {"actor", person_json(version.actor)},
          {"created_at", core::format_rfc3339(version.created_at)},
          {"cancel_reason", version.cancel_reason ? nlohmann::json(*version.cancel_reason)
                                                  : nlohmann::json(nullptr)},
          {"prescription", prescription_json(version.prescription)}};
}

// The new row's id is drawn before the access decision so that its audit
// event names the record it allowed to be written.
Response post_prescription(Services& services, Context& context) {
  const auto prescription_id = crypto::new_uuid();
  return with_patient_access(
      services, context, AccessKind::write, {"prescription", prescription_id},
      "prescription.create", [&](const identity::PatientAccess& access) {
        const auto body = context.json_body();
        const auto appointment_id = require_uuid(body, "appointment_id");
        const auto order = records::parse_prescription_order(body, require_formulary(services));
        return json_response(201, prescription_json(records::issue_prescription(
                                      access, services.keyring, prescription_id,
                                      appointment_id, order)));
      });
}

Response post_cancel(Services& services, Context& context) {
  const auto& prescription_id = context.param("prescription_id");
  return with_patient_access(
      services, context, AccessKind::write, {"prescription", prescription_id},
      "prescription.cancel", [&](const identity::PatientAccess& access) {
        const auto body = context.json_body();
        const auto reason = require_string(body, "reason");
        return json_response(200, prescription_json(records::cancel_prescription(
                                      access, services.keyring, prescription_id, reason)));
      });
}

Response get_versions(Services& services, Context& context) {
  const auto& prescription_id = context.param("prescription_id");
  return with_patient_access(
      services, context, AccessKind::read, {"prescription", prescription_id},
      "prescription.versions_read", [&](const identity::PatientAccess& access) {
        std::vector<records::PrescriptionVersion> found;
        try {
          found = records::read_prescription_versions(access, services.keyring, prescription_id);
        } catch (const core::Error& error) {
          // The policy allowed reading this patient's records, and the allowed
          // event is already queued. An unknown id therefore returns 404 here
          // instead of failing the access, because a failed event could be
          // committed before the queued one.
          if (error.kind() != core::ErrorKind::not_found) throw;
          return error_response(error, context.request_id);
        }
        auto versions = nlohmann::json::array();
        for (const auto& version : found) versions.push_back(version_json(version));
        return json_response(200, {{"versions", std::move(versions)}});
      });
}

}  // namespace

nlohmann::json prescription_json(const records::Prescription& prescription) {
  auto json = records::prescription_fields_json(prescription);
  json["id"] = prescription.id;
  json["appointment_id"] = prescription.appointment_id;
  json["clinician"] = person_json(prescription.clinician);
  json["created_at"] = core::format_rfc3339(prescription.created_at);
  return json;
}

void add_prescription_routes(Router& router, Services& services) {
  router.add({"GET", "/api/formulary", Access::verified, {Role::clinician}, false},
             [&services](Context& context) { return get_formulary(services, context); });
  router.add({"POST", "/api/patients/{patient_id}/prescriptions", Access::verified,
              {Role::clinician}, true},
             [&services](Context& context) { return post_prescription(services, context); });
  router.add({"POST", "/api/patients/{patient_id}/prescriptions/{prescription_id}/cancel",
              Access::verified, {Role::clinician}, true},
             [&services](Context& context) { return post_cancel(services, context); });
  router.add({"GET", "/api/patients/{patient_id}/prescriptions/{prescription_id}/versions",
              Access::verified, {Role::patient, Role::clinician}, true},
             [&services](Context& context) { return get_versions(services, context); });
}

}  // namespace telehealth::http
