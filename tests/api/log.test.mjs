// The server log carries ids only: no names, emails, passwords, session
// tokens, TOTP secrets or clinical text, even for requests that fail.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { ApiClient } from './support/client.mjs';
import { bookAppointment } from './support/scheduling.mjs';
import { createUser, newClinician, newPatient, randomSuffix } from './support/users.mjs';

const logFile = process.env.TELEHEALTH_SERVER_LOG;

test('server log holds no PHI or secrets', { skip: logFile ? false : 'TELEHEALTH_SERVER_LOG is not set' }, async () => {
  const clinician = await newClinician();
  const patient = await newPatient();
  const appointment = await bookAppointment(clinician, patient, 3);
  const noteMarker = `log-test-note-${randomSuffix(16)}`;

  const written = await clinician.client.post(`/api/patients/${patient.user.id}/encounters`, {
    appointment_id: appointment.id,
    note: `Chest pain on exertion. ${noteMarker}`,
  });
  assert.equal(written.status, 201, written.text);
  assert.equal((await patient.client.get(`/api/patients/${patient.user.id}/records`)).status, 200);

  // Failing requests are logged too; their input must not be.
  const rejected = await clinician.client.post(`/api/patients/${patient.user.id}/prescriptions`, {
    appointment_id: appointment.id,
    drug_code: noteMarker,
    instructions: noteMarker,
  });
  assert.equal(rejected.status, 422, rejected.text);
  assert.equal(rejected.text.includes(noteMarker), false, 'the error repeats the submitted value');
  const stranger = createUser('patient');
  const wrongPassword = `wrong-${randomSuffix(20)}`;
  const failed = await new ApiClient('log test').post('/api/auth/login', {
    email: stranger.email,
    password: wrongPassword,
  });
  assert.equal(failed.status, 401, failed.text);

  const log = readFileSync(logFile, 'utf8');
  assert.ok(log.includes(written.headers.get('x-request-id')), 'the log must record the request by id');
  const forbidden = {
    'note text': noteMarker,
    'patient name': patient.user.displayName,
    'clinician name': clinician.user.displayName,
    'patient email': patient.user.email,
    'stranger email': stranger.email,
    'patient password': patient.user.password,
    'wrong password': wrongPassword,
    'session token': patient.client.sessionToken,
    'TOTP secret': clinician.secret,
  };
  for (const [what, value] of Object.entries(forbidden)) {
    assert.ok(value, `${what} is unknown to the test`);
    assert.equal(log.includes(value), false, `the server log contains the ${what}`);
  }
});
