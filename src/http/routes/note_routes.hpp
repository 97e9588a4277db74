#pragma once

#include <nlohmann/json.hpp>

#include "http/router.hpp"
#include "http/services.hpp"
#include "records/encounter_notes.hpp"

namespace telehealth::http {

/// Encounter notes: create, save a draft, sign, amend, read, and list or
/// read versions (docs/api.md, Encounter notes). Every route authorizes
/// through identity::authorize_patient, which audits the access.
void add_note_routes(Router& router, Services& services);

/// The JSON form of a note, also used in a patient's record set.
nlohmann::json encounter_note_json(const records::EncounterNote& note);

}  // namespace telehealth::http
