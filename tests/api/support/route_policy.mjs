// The access policy of every API and WebSocket route, as the route crawl
// (routes.test.mjs) checks it against the running server. Each entry states
// the route's access level, roles and PHI mark as the route table must
// declare them, the status each kind of caller gets, and the audit events
// (`event_type:outcome`) each call writes.
//
// Requests carry the fixture's ids: the patient, the treating ("related")
// clinician and their appointment, which is open for joining. Other path ids
// are random, and write bodies are `{}`, so an allowed write stops at input
// validation (400) without changing anything.

export const personas = [
  'anonymous', // no session cookie
  'expired', // a session past its idle timeout
  'patient', // the fixture's patient
  'unrelated_clinician', // a clinician with no appointment with the patient
  'related_clinician', // the clinician the patient booked
  'admin', // an admin with MFA done but no elevated session
  'elevated_admin', // an admin inside an elevation (a fresh TOTP code)
  'auditor',
];

// The expected statuses, in the order of `personas`.
function row(...statuses) {
  return Object.fromEntries(personas.map((persona, index) => [persona, statuses[index]]));
}

export const routePolicy = {
  'GET /api/health': {
    access: 'anonymous',
    roles: [],
    phi: false,
    statuses: row(200, 200, 200, 200, 200, 200, 200, 200),
  },
  'POST /api/auth/login': {
    access: 'anonymous',
    roles: [],
    phi: false,
    statuses: row(400, 400, 400, 400, 400, 400, 400, 400),
  },
  'POST /api/auth/logout': {
    access: 'anonymous',
    roles: [],
    phi: false,
    statuses: row(204, 204, 204, 204, 204, 204, 204, 204),
  },
  // Whether single sign-on is on. The shared test server has no oidc
  // section, so its start and callback routes do not exist here;
  // oidc.test.mjs checks them on a server configured for a provider.
  'GET /api/auth/oidc': {
    access: 'anonymous',
    roles: [],
    phi: false,
    statuses: row(200, 200, 200, 200, 200, 200, 200, 200),
  },
  'GET /api/auth/session': {
    access: 'signed_in',
    roles: [],
    phi: false,
    statuses: row(401, 401, 200, 200, 200, 200, 200, 200),
  },
  'POST /api/auth/totp/enrol': {
    access: 'signed_in',
    roles: [],
    phi: false,
    statuses: row(401, 401, 200, 409, 409, 409, 409, 409),
  },
  'POST /api/auth/totp/confirm': {
    access: 'signed_in',
    roles: [],
    phi: false,
    statuses: row(401, 401, 400, 400, 400, 400, 400, 400),
  },
  'POST /api/auth/totp/verify': {
    access: 'signed_in',
    roles: [],
    phi: false,
    statuses: row(401, 401, 400, 400, 400, 400, 400, 400),
  },
  'POST /api/auth/recovery-codes/verify': {
    access: 'signed_in',
    roles: [],
    phi: false,
    statuses: row(401, 401, 400, 400, 400, 400, 400, 400),
  },
  'GET /api/auth/recovery-codes': {
    access: 'verified',
    roles: [],
    phi: false,
    statuses: row(401, 401, 200, 200, 200, 200, 200, 200),
  },
  'POST /api/auth/recovery-codes': {
    access: 'verified',
    roles: [],
    phi: false,
    statuses: row(401, 401, 409, 200, 200, 200, 200, 200),
    audit: {
      unrelated_clinician: ['auth.recovery_codes_generated:allowed'],
      related_clinician: ['auth.recovery_codes_generated:allowed'],
      admin: ['auth.recovery_codes_generated:allowed'],
      elevated_admin: ['auth.recovery_codes_generated:allowed'],
      auditor: ['auth.recovery_codes_generated:allowed'],
    },
  },
  'POST /api/auth/password': {
    access: 'verified',
    roles: [],
    phi: false,
    statuses: row(401, 401, 400, 400, 400, 400, 400, 400),
  },
  'GET /api/auth/sessions': {
    access: 'verified',
    roles: [],
    phi: false,
    statuses: row(401, 401, 200, 200, 200, 200, 200, 200),
  },
  'DELETE /api/auth/sessions/{session_id}': {
    access: 'verified',
    roles: [],
    phi: false,
    statuses: row(401, 401, 404, 404, 404, 404, 404, 404),
  },
  'POST /api/auth/passkeys/register/options': {
    access: 'verified',
    roles: [],
    phi: false,
    statuses: row(401, 401, 200, 200, 200, 200, 200, 200),
  },
  'POST /api/auth/passkeys': {
    access: 'verified',
    roles: [],
    phi: false,
    statuses: row(401, 401, 400, 400, 400, 400, 400, 400),
  },
  'GET /api/auth/passkeys': {
    access: 'verified',
    roles: [],
    phi: false,
    statuses: row(401, 401, 200, 200, 200, 200, 200, 200),
  },
  'DELETE /api/auth/passkeys/{passkey_id}': {
    access: 'verified',
    roles: [],
    phi: false,
    statuses: row(401, 401, 404, 404, 404, 404, 404, 404),
    audit: {
      patient: ['auth.passkey_removed:denied'],
      unrelated_clinician: ['auth.passkey_removed:denied'],
      related_clinician: ['auth.passkey_removed:denied'],
      admin: ['auth.passkey_removed:denied'],
      elevated_admin: ['auth.passkey_removed:denied'],
      auditor: ['auth.passkey_removed:denied'],
    },
  },
  'POST /api/auth/passkeys/verify/options': {
    access: 'signed_in',
    roles: [],
    phi: false,
    statuses: row(401, 401, 409, 409, 409, 409, 409, 409),
  },
  'POST /api/auth/passkeys/verify': {
    access: 'signed_in',
    roles: [],
    phi: false,
    statuses: row(401, 401, 400, 400, 400, 400, 400, 400),
  },
  'POST /api/auth/passkeys/login/options': {
    access: 'anonymous',
    roles: [],
    phi: false,
    statuses: row(200, 200, 200, 200, 200, 200, 200, 200),
  },
  'POST /api/auth/passkeys/login': {
    access: 'anonymous',
    roles: [],
    phi: false,
    statuses: row(400, 400, 400, 400, 400, 400, 400, 400),
  },
  'GET /api/clinicians': {
    access: 'verified',
    roles: [],
    phi: false,
    statuses: row(401, 401, 200, 200, 200, 200, 200, 200),
  },
  'POST /api/availability': {
    access: 'verified',
    roles: ['clinician'],
    phi: false,
    statuses: row(401, 401, 403, 400, 400, 403, 403, 403),
  },
  'GET /api/availability': {
    access: 'verified',
    roles: ['clinician'],
    phi: false,
    statuses: row(401, 401, 403, 200, 200, 403, 403, 403),
  },
  'GET /api/clinicians/{clinician_id}/slots': {
    access: 'verified',
    roles: ['patient'],
    phi: false,
    statuses: row(401, 401, 200, 403, 403, 403, 403, 403),
  },
  'POST /api/appointments': {
    access: 'verified',
    roles: ['patient'],
    phi: true,
    statuses: row(401, 401, 400, 403, 403, 403, 403, 403),
    audit: {
      unrelated_clinician: ['access.role_denied:denied'],
      related_clinician: ['access.role_denied:denied'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'GET /api/appointments': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 200, 200, 200, 403, 403, 403),
    audit: {
      patient: ['appointment.list:allowed'],
      unrelated_clinician: ['appointment.list:allowed'],
      related_clinician: ['appointment.list:allowed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'GET /api/appointments/{appointment_id}': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 200, 404, 200, 403, 403, 403),
    audit: {
      patient: ['appointment.read:allowed'],
      unrelated_clinician: ['appointment.read:denied'],
      related_clinician: ['appointment.read:allowed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'GET /api/patients/{patient_id}/records': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 200, 404, 200, 403, 403, 403),
    audit: {
      patient: ['records.read:allowed'],
      unrelated_clinician: ['records.read:denied'],
      related_clinician: ['records.read:allowed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'GET /api/patients/{patient_id}/timeline': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 200, 404, 200, 403, 403, 403),
    audit: {
      patient: ['timeline.read:allowed'],
      unrelated_clinician: ['timeline.read:denied'],
      related_clinician: ['timeline.read:allowed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'POST /api/patients/{patient_id}/encounters': {
    access: 'verified',
    roles: ['clinician'],
    phi: true,
    statuses: row(401, 401, 403, 404, 400, 403, 403, 403),
    audit: {
      patient: ['access.role_denied:denied'],
      unrelated_clinician: ['encounter.create:denied'],
      related_clinician: ['encounter.create:failed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  // Encounter notes. The crawl names a random note id, so a caller the policy
  // lets reach the patient gets 404 (read) or 400 (write with an empty body),
  // audited as failed. The unrelated clinician is denied before that.
  'GET /api/patients/{patient_id}/encounters/{encounter_id}': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 404, 404, 404, 403, 403, 403),
    audit: {
      patient: ['encounter.read:failed'],
      unrelated_clinician: ['encounter.read:denied'],
      related_clinician: ['encounter.read:failed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'PUT /api/patients/{patient_id}/encounters/{encounter_id}': {
    access: 'verified',
    roles: ['clinician'],
    phi: true,
    statuses: row(401, 401, 403, 404, 400, 403, 403, 403),
    audit: {
      patient: ['access.role_denied:denied'],
      unrelated_clinician: ['encounter.draft_save:denied'],
      related_clinician: ['encounter.draft_save:failed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'POST /api/patients/{patient_id}/encounters/{encounter_id}/sign': {
    access: 'verified',
    roles: ['clinician'],
    phi: true,
    statuses: row(401, 401, 403, 404, 400, 403, 403, 403),
    audit: {
      patient: ['access.role_denied:denied'],
      unrelated_clinician: ['encounter.sign:denied'],
      related_clinician: ['encounter.sign:failed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'POST /api/patients/{patient_id}/encounters/{encounter_id}/amendments': {
    access: 'verified',
    roles: ['clinician'],
    phi: true,
    statuses: row(401, 401, 403, 404, 400, 403, 403, 403),
    audit: {
      patient: ['access.role_denied:denied'],
      unrelated_clinician: ['encounter.amend:denied'],
      related_clinician: ['encounter.amend:failed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'GET /api/patients/{patient_id}/encounters/{encounter_id}/versions': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 404, 404, 404, 403, 403, 403),
    audit: {
      patient: ['encounter.versions_read:failed'],
      unrelated_clinician: ['encounter.versions_read:denied'],
      related_clinician: ['encounter.versions_read:failed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'GET /api/patients/{patient_id}/encounters/{encounter_id}/versions/{version_id}': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 404, 404, 404, 403, 403, 403),
    audit: {
      patient: ['encounter.version_read:failed'],
      unrelated_clinician: ['encounter.version_read:denied'],
      related_clinician: ['encounter.version_read:failed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'POST /api/patients/{patient_id}/prescriptions': {
    access: 'verified',
    roles: ['clinician'],
    phi: true,
    statuses: row(401, 401, 403, 404, 400, 403, 403, 403),
    audit: {
      patient: ['access.role_denied:denied'],
      unrelated_clinician: ['prescription.create:denied'],
      related_clinician: ['prescription.create:failed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  // Reference data, not PHI: any clinician may search it.
  'GET /api/formulary': {
    access: 'verified',
    roles: ['clinician'],
    phi: false,
    statuses: row(401, 401, 403, 200, 200, 403, 403, 403),
  },
  'POST /api/patients/{patient_id}/prescriptions/{prescription_id}/cancel': {
    access: 'verified',
    roles: ['clinician'],
    phi: true,
    statuses: row(401, 401, 403, 404, 400, 403, 403, 403),
    audit: {
      patient: ['access.role_denied:denied'],
      unrelated_clinician: ['prescription.cancel:denied'],
      related_clinician: ['prescription.cancel:failed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  // The path's prescription id is random, so an allowed read finds nothing
  // and returns 404 after its allowed event.
  'GET /api/patients/{patient_id}/prescriptions/{prescription_id}/versions': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 404, 404, 404, 403, 403, 403),
    audit: {
      patient: ['prescription.versions_read:allowed'],
      unrelated_clinician: ['prescription.versions_read:denied'],
      related_clinician: ['prescription.versions_read:allowed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'GET /api/appointments/{appointment_id}/turn': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 200, 404, 200, 403, 403, 403),
    audit: {
      patient: ['consultation.turn_credentials:allowed'],
      unrelated_clinician: ['consultation.turn_credentials:denied'],
      related_clinician: ['consultation.turn_credentials:allowed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'GET /api/appointments/{appointment_id}/signal': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    websocket: true,
    statuses: row(401, 401, 101, 404, 101, 404, 404, 404),
    audit: {
      patient: ['consultation.join:allowed', 'consultation.leave:allowed'],
      unrelated_clinician: ['consultation.join:denied'],
      related_clinician: ['consultation.join:allowed', 'consultation.leave:allowed'],
      admin: ['consultation.join:denied'],
      elevated_admin: ['consultation.join:denied'],
      auditor: ['consultation.join:denied'],
    },
  },
  'POST /api/admin/elevate': {
    access: 'verified',
    roles: ['admin'],
    phi: false,
    statuses: row(401, 401, 403, 403, 403, 400, 400, 403),
  },
  'GET /api/admin/elevation': {
    access: 'verified',
    roles: ['admin'],
    phi: false,
    statuses: row(401, 401, 403, 403, 403, 200, 200, 403),
  },
  'POST /api/admin/elevation/end': {
    access: 'verified',
    roles: ['admin'],
    phi: false,
    statuses: row(401, 401, 403, 403, 403, 204, 204, 403),
    audit: {
      admin: ['admin.elevate_end:allowed'],
      elevated_admin: ['admin.elevate_end:allowed'],
    },
  },
  'GET /api/admin/users': {
    access: 'verified',
    roles: ['admin'],
    phi: false,
    statuses: row(401, 401, 403, 403, 403, 403, 200, 403),
    audit: {
      elevated_admin: ['admin.user_list:allowed'],
    },
  },
  'POST /api/admin/invitations': {
    access: 'verified',
    roles: ['admin'],
    phi: false,
    statuses: row(401, 401, 403, 403, 403, 403, 400, 403),
  },
  'POST /api/admin/users/{user_id}/deactivate': {
    access: 'verified',
    roles: ['admin'],
    phi: false,
    statuses: row(401, 401, 403, 403, 403, 403, 404, 403),
    audit: {
      elevated_admin: ['admin.user_deactivate:failed'],
    },
  },
  'POST /api/admin/users/{user_id}/reactivate': {
    access: 'verified',
    roles: ['admin'],
    phi: false,
    statuses: row(401, 401, 403, 403, 403, 403, 404, 403),
    audit: {
      elevated_admin: ['admin.user_reactivate:failed'],
    },
  },
  'POST /api/admin/users/{user_id}/mfa-reset': {
    access: 'verified',
    roles: ['admin'],
    phi: false,
    statuses: row(401, 401, 403, 403, 403, 403, 404, 403),
    audit: {
      elevated_admin: ['admin.mfa_reset:failed'],
    },
  },
  'POST /api/admin/users/{user_id}/role': {
    access: 'verified',
    roles: ['admin'],
    phi: false,
    statuses: row(401, 401, 403, 403, 403, 403, 400, 403),
  },
  'GET /api/admin/break-glass': {
    access: 'verified',
    roles: ['admin'],
    phi: false,
    statuses: row(401, 401, 403, 403, 403, 403, 200, 403),
    audit: {
      elevated_admin: ['admin.break_glass_list:allowed'],
    },
  },
  'POST /api/admin/break-glass/{episode_id}/review': {
    access: 'verified',
    roles: ['admin'],
    phi: false,
    statuses: row(401, 401, 403, 403, 403, 403, 400, 403),
  },
  'POST /api/invitations/lookup': {
    access: 'anonymous',
    roles: [],
    phi: false,
    statuses: row(400, 400, 400, 400, 400, 400, 400, 400),
  },
  'POST /api/invitations/accept': {
    access: 'anonymous',
    roles: [],
    phi: false,
    statuses: row(400, 400, 400, 400, 400, 400, 400, 400),
  },
  // The auditor's review of the audit log. Without `format` the export
  // stops at input validation (400) before reading anything.
  'GET /api/audit/events': {
    access: 'verified',
    roles: ['auditor'],
    phi: true,
    statuses: row(401, 401, 403, 403, 403, 403, 403, 200),
    audit: {
      patient: ['access.role_denied:denied'],
      unrelated_clinician: ['access.role_denied:denied'],
      related_clinician: ['access.role_denied:denied'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['audit.search:allowed'],
    },
  },
  'GET /api/audit/events/export': {
    access: 'verified',
    roles: ['auditor'],
    phi: true,
    statuses: row(401, 401, 403, 403, 403, 403, 403, 400),
    audit: {
      patient: ['access.role_denied:denied'],
      unrelated_clinician: ['access.role_denied:denied'],
      related_clinician: ['access.role_denied:denied'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
    },
  },
  // Only the patient reads who accessed their record; a treating clinician
  // may read the record itself but not this report.
  'GET /api/patients/{patient_id}/access-report': {
    access: 'verified',
    roles: ['patient'],
    phi: true,
    statuses: row(401, 401, 200, 403, 403, 403, 403, 403),
    audit: {
      patient: ['access_report.read:allowed'],
      unrelated_clinician: ['access.role_denied:denied'],
      related_clinician: ['access.role_denied:denied'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'POST /api/break-glass/search': {
    access: 'verified',
    roles: ['clinician'],
    phi: true,
    statuses: row(401, 401, 403, 400, 400, 403, 403, 403),
    audit: {
      patient: ['access.role_denied:denied'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'POST /api/break-glass/episodes': {
    access: 'verified',
    roles: ['clinician'],
    phi: true,
    statuses: row(401, 401, 403, 400, 400, 403, 403, 403),
    audit: {
      patient: ['access.role_denied:denied'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'GET /api/break-glass/episodes': {
    access: 'verified',
    roles: ['clinician'],
    phi: true,
    statuses: row(401, 401, 403, 200, 200, 403, 403, 403),
    audit: {
      patient: ['access.role_denied:denied'],
      unrelated_clinician: ['break_glass.list:allowed'],
      related_clinician: ['break_glass.list:allowed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  // Secure messaging. Thread ids in the crawl are random, so every thread
  // route returns 404 to the parties, each denial audited with the thread id.
  'GET /api/threads': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 200, 200, 200, 403, 403, 403),
    audit: {
      patient: ['thread.list:allowed'],
      unrelated_clinician: ['thread.list:allowed'],
      related_clinician: ['thread.list:allowed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  // The patient's call creates the thread (201); the clinician's returns it.
  'POST /api/patients/{patient_id}/threads/{clinician_id}': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 201, 404, 200, 403, 403, 403),
    audit: {
      patient: ['thread.open:allowed'],
      unrelated_clinician: ['thread.open:denied'],
      related_clinician: ['thread.open:allowed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'GET /api/threads/{thread_id}/messages': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 404, 404, 404, 403, 403, 403),
    audit: {
      patient: ['thread.read:denied'],
      unrelated_clinician: ['thread.read:denied'],
      related_clinician: ['thread.read:denied'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'POST /api/threads/{thread_id}/messages': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 404, 404, 404, 403, 403, 403),
    audit: {
      patient: ['message.send:denied'],
      unrelated_clinician: ['message.send:denied'],
      related_clinician: ['message.send:denied'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'POST /api/threads/{thread_id}/read': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 404, 404, 404, 403, 403, 403),
    audit: {
      patient: ['message.read_receipt:denied'],
      unrelated_clinician: ['message.read_receipt:denied'],
      related_clinician: ['message.read_receipt:denied'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'POST /api/threads/{thread_id}/attachments': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 404, 404, 404, 403, 403, 403),
    audit: {
      patient: ['attachment.send:denied'],
      unrelated_clinician: ['attachment.send:denied'],
      related_clinician: ['attachment.send:denied'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'GET /api/threads/{thread_id}/attachments/{attachment_id}': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 404, 404, 404, 403, 403, 403),
    audit: {
      patient: ['attachment.read:denied'],
      unrelated_clinician: ['attachment.read:denied'],
      related_clinician: ['attachment.read:denied'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'POST /api/threads/{thread_id}/key-rotations': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    statuses: row(401, 401, 404, 404, 404, 403, 403, 403),
    audit: {
      patient: ['thread.key_rotate:denied'],
      unrelated_clinician: ['thread.key_rotate:denied'],
      related_clinician: ['thread.key_rotate:denied'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'GET /api/messages/live': {
    access: 'verified',
    roles: ['patient', 'clinician'],
    phi: true,
    websocket: true,
    statuses: row(401, 401, 101, 101, 101, 403, 403, 403),
    audit: {
      patient: ['message.live_connect:allowed'],
      unrelated_clinician: ['message.live_connect:allowed'],
      related_clinician: ['message.live_connect:allowed'],
      admin: ['access.role_denied:denied'],
      elevated_admin: ['access.role_denied:denied'],
      auditor: ['access.role_denied:denied'],
    },
  },
  'POST /api/admin/care-team-departures': {
    access: 'verified',
    roles: ['admin'],
    phi: false,
    statuses: row(401, 401, 403, 403, 403, 403, 400, 403),
  },
};
