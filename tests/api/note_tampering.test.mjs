// Tampering with a signed note in the database, as a superuser or the table
// owner can after switching the append-only triggers off. Each version row
// opens with its own associated data, so a moved ciphertext fails to open.
// A genuine row that is not the signed one (an earlier draft) opens fine,
// though, and so does a note whose amendment row is gone. Both must fail the
// read instead of showing a changed note under the original signature.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { superuserExec } from './support/admin.mjs';
import { bookAppointment } from './support/scheduling.mjs';
import { newClinician, newPatient, randomSuffix } from './support/users.mjs';

// Runs `sql` with the named trigger of `table` switched off, then switches it
// back on in the ENABLE ALWAYS mode that migration 012 set, in one transaction.
function withTriggerOff(table, trigger, sql, variables) {
  superuserExec(
    `BEGIN;
     ALTER TABLE ${table} DISABLE TRIGGER ${trigger};
     ${sql}
     ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${trigger};
     COMMIT;`,
    variables,
  );
}

describe('signed note tampering', () => {
  const marker = randomSuffix(8);
  const draftPlan = `draft plan ${marker}: double the dose`;
  const signedPlan = `signed plan ${marker}: usual dose`;
  let clinician;
  let patient;
  let notesPath;

  // Writes a note whose versions 1 and 2 are drafts, 3 the signed note and
  // 4 an amendment, on an appointment `startsInMinutes` from now. Returns
  // the note id.
  async function signedNoteWithAmendment(startsInMinutes) {
    const appointment = await bookAppointment(clinician, patient, startsInMinutes);
    const created = await clinician.client.post(notesPath, {
      appointment_id: appointment.id,
      status: 'draft',
      plan: draftPlan,
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id;
    const saved = await clinician.client.request('PUT', `${notesPath}/${id}`, {
      json: { version: 1, plan: signedPlan },
    });
    assert.equal(saved.status, 200, saved.text);
    const signed = await clinician.client.post(`${notesPath}/${id}/sign`, { version: 2 });
    assert.equal(signed.status, 200, signed.text);
    assert.equal(signed.body.plan, signedPlan);
    const amended = await clinician.client.post(`${notesPath}/${id}/amendments`, {
      text: `allergy noted ${marker}`,
      reason: 'new information',
    });
    assert.equal(amended.status, 201, amended.text);
    return id;
  }

  before(async () => {
    clinician = await newClinician();
    patient = await newPatient();
    notesPath = `/api/patients/${patient.user.id}/encounters`;
  });

  test('signature moved to a draft fails closed', async () => {
    const id = await signedNoteWithAmendment(3);
    withTriggerOff(
      'encounters',
      'encounters_guard',
      `UPDATE encounters SET signed_version = 1 WHERE id = :'id';`,
      { id },
    );

    const read = await patient.client.get(`${notesPath}/${id}`);
    assert.doesNotMatch(read.text, /double the dose/, 'the draft text is shown as the signed note');
    assert.equal(read.status, 500, `expected the read to fail closed: ${read.status} ${read.text}`);
  });

  test('deleted amendment fails closed', async () => {
    const id = await signedNoteWithAmendment(30);
    withTriggerOff(
      'encounter_note_versions',
      'encounter_note_versions_no_update_delete',
      `DELETE FROM encounter_note_versions WHERE encounter_id = :'id' AND kind = 'amendment';`,
      { id },
    );

    const read = await patient.client.get(`${notesPath}/${id}`);
    assert.equal(
      read.status,
      500,
      `the note reads as version ${read.body?.version} with ${read.body?.amendments?.length} ` +
        'amendments although version 4 is missing',
    );
  });
});
