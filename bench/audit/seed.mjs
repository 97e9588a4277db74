// Seeds the benchmark database through the API and the CLI: a treating
// clinician signed in with TOTP, their patient with a booked appointment and
// one encounter note. Prints the ids and the session token as JSON for
// bench/audit/run.sh. Reuses the API tests' helpers, so it needs the same
// environment (TELEHEALTH_URL, TELEHEALTH_CONFIG, TELEHEALTH_BINARY,
// TELEHEALTH_TEST_ADMIN_DSN, NODE_EXTRA_CA_CERTS).

import { createHash } from 'node:crypto';

const { newClinician, newPatient } = await import('../../tests/api/support/users.mjs');
const { bookAppointment } = await import('../../tests/api/support/scheduling.mjs');

const clinician = await newClinician();
const patient = await newPatient();
const appointment = await bookAppointment(clinician, patient);
const note = await clinician.client.post(`/api/patients/${patient.user.id}/encounters`, {
  appointment_id: appointment.id,
  note: 'Invented benchmark note: follow-up in two weeks.',
});
if (note.status !== 201) throw new Error(`writing the note failed: ${note.status} ${note.text}`);

const token = clinician.client.sessionToken;
process.stdout.write(
  JSON.stringify({
    clinician_id: clinician.user.id,
    patient_id: patient.user.id,
    session_token: token,
    token_hash: createHash('sha256').update(token).digest('hex'),
  }) + '\n',
);
