// Structured encounter notes. Drafts are seen only by their author and saved
// with optimistic concurrency. Signing locks the note under a SHA-256 that
// this file recomputes from the returned content. Amendments and every
// version are retrievable, hidden notes return 404 with each denial audited,
// and hostile text comes back verbatim.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, test } from 'node:test';

import { assertChainIntact } from './support/audit.mjs';
import { assertError } from './support/client.mjs';
import { adminQuery, auditEventsOfRequest, runPsql } from './support/database.mjs';
import { adminDsn } from './support/env.mjs';
import { bookAppointment } from './support/scheduling.mjs';
import { newClinician, newPatient, randomSuffix } from './support/users.mjs';

const SECTIONS = ['presenting_complaint', 'history', 'examination', 'assessment', 'plan', 'free_text'];
const SCRIPT_PAYLOAD = '<script>window.__xss=1</script>';
const IMG_PAYLOAD = '<img src=x onerror="window.__xss=1">';

// One canonical field line: `<name>:<UTF-8 byte length>:<value>\n`, as
// docs/compliance/records.md describes the encoding.
function field(name, value) {
  const bytes = Buffer.from(String(value), 'utf8');
  return Buffer.concat([Buffer.from(`${name}:${bytes.length}:`, 'utf8'), bytes, Buffer.from('\n', 'utf8')]);
}

function noteDigest(patientId, note) {
  const parts = [
    Buffer.from('telehealth-encounter-note-v1\n', 'utf8'),
    field('encounter_id', note.id),
    field('patient_id', patientId),
    field('clinician_id', note.clinician.id),
    field('appointment_id', note.appointment_id),
    field('version', note.signature.version),
    field('signed_by', note.signature.signed_by.id),
    field('signed_at', note.signature.signed_at),
    ...SECTIONS.map((name) => field(name, note[name])),
  ];
  return createHash('sha256').update(Buffer.concat(parts)).digest('hex');
}

function amendmentDigest(patientId, noteId, noteSha256, amendment) {
  const parts = [
    Buffer.from('telehealth-encounter-amendment-v1\n', 'utf8'),
    field('encounter_id', noteId),
    field('patient_id', patientId),
    field('note_sha256', noteSha256),
    field('version', amendment.version),
    field('author_id', amendment.author.id),
    field('created_at', amendment.created_at),
    field('reason', amendment.reason),
    field('text', amendment.text),
  ];
  return createHash('sha256').update(Buffer.concat(parts)).digest('hex');
}

function assertSingleEvent(response, eventType, outcome, actorId) {
  const requestId = response.body?.request_id ?? response.headers.get('x-request-id');
  const events = auditEventsOfRequest(requestId);
  assert.equal(events.length, 1, `${eventType}: ${JSON.stringify(events)}`);
  assert.equal(events[0].event_type, eventType);
  assert.equal(events[0].outcome, outcome);
  assert.equal(events[0].actor_id, actorId);
  return events[0];
}

describe('encounter notes', () => {
  const marker = `notes-api-marker-${randomSuffix(16)}`;
  // Every section carries a hostile payload and the marker, so the same note
  // proves verbatim storage and the absence of plaintext in the database.
  const draftSections = Object.fromEntries(
    SECTIONS.map((name, index) => [name, `${index % 2 ? SCRIPT_PAYLOAD : IMG_PAYLOAD} ${name} ${marker}`]),
  );

  let clinician;
  let colleague; // another clinician who also treats the patient
  let unrelated;
  let patient;
  let appointment;
  let note;
  let amendment;

  const notesPath = () => `/api/patients/${patient.user.id}/encounters`;
  const notePath = (suffix = '') => `${notesPath()}/${note.id}${suffix}`;
  const versionCount = () =>
    adminQuery("SELECT to_json(count(*)) FROM encounter_note_versions WHERE encounter_id = :'id';", { id: note.id });

  before(async () => {
    clinician = await newClinician();
    colleague = await newClinician();
    unrelated = await newClinician();
    patient = await newPatient();
    appointment = await bookAppointment(clinician, patient, 30);
    await bookAppointment(colleague, patient, 60);
  });

  test('clinician creates a draft', async () => {
    const response = await clinician.client.post(notesPath(), {
      appointment_id: appointment.id,
      status: 'draft',
      ...draftSections,
    });
    assert.equal(response.status, 201, response.text);
    note = response.body;
    assert.equal(note.status, 'draft');
    assert.equal(note.version, 1);
    assert.equal(note.signature, null);
    assert.deepEqual(note.amendments, []);
    for (const name of SECTIONS) assert.equal(note[name], draftSections[name], name);
    assertSingleEvent(response, 'encounter.draft_save', 'allowed', clinician.user.id);
  });

  test('blank draft rejected naming a section', async () => {
    const response = await clinician.client.post(notesPath(), {
      appointment_id: appointment.id,
      status: 'draft',
      history: '  \n ',
    });
    assertError(response, 422, 'invalid_field', 'presenting_complaint');
    const tooLong = await clinician.client.post(notesPath(), {
      appointment_id: appointment.id,
      status: 'draft',
      plan: 'x'.repeat(10_001),
    });
    assertError(tooLong, 422, 'invalid_field', 'plan');
    const wrongType = await clinician.client.post(notesPath(), {
      appointment_id: appointment.id,
      status: 'draft',
      examination: 7,
    });
    assertError(wrongType, 400, 'invalid_field', 'examination');
  });

  test('draft saves with version check', async () => {
    const saved = await clinician.client.request('PUT', notePath(), {
      json: { version: 1, ...draftSections, plan: `${draftSections.plan} Review in one week.` },
    });
    assert.equal(saved.status, 200, saved.text);
    assert.equal(saved.body.version, 2);
    assert.equal(saved.body.plan, `${draftSections.plan} Review in one week.`);
    assertSingleEvent(saved, 'encounter.draft_save', 'allowed', clinician.user.id);

    // A second tab still holding version 1 must not overwrite version 2.
    const stale = await clinician.client.request('PUT', notePath(), {
      json: { version: 1, ...draftSections, plan: 'Stale tab text' },
    });
    assertError(stale, 409, 'conflict', 'version');
    assert.match(stale.body.error.message, /now at version 2, not 1; reload the note/);
    assert.doesNotMatch(stale.text, /Stale tab text/);
    assertSingleEvent(stale, 'encounter.draft_save', 'failed', clinician.user.id);
    assert.equal(versionCount(), 2);

    const saved3 = await clinician.client.request('PUT', notePath(), {
      json: { version: 2, ...draftSections },
    });
    assert.equal(saved3.status, 200, saved3.text);
    assert.equal(saved3.body.version, 3);
    note = saved3.body;
  });

  test('draft save needs the CSRF token', async () => {
    const response = await clinician.client.request('PUT', notePath(), {
      json: { version: 3, ...draftSections },
      csrf: null,
    });
    assertError(response, 403, 'bad_csrf_token');
    assert.equal(versionCount(), 3);
  });

  test('draft hidden from everyone but its author', async () => {
    for (const [who, reader] of [['patient', patient], ['colleague', colleague]]) {
      const response = await reader.client.get(notePath());
      assertError(response, 404, 'not_found');
      assert.doesNotMatch(response.text, new RegExp(marker));
      assertSingleEvent(response, 'encounter.read', 'denied', reader.user.id);

      const versions = await reader.client.get(notePath('/versions'));
      assertError(versions, 404, 'not_found');
      assertSingleEvent(versions, 'encounter.versions_read', 'denied', reader.user.id);

      const records = await reader.client.get(`/api/patients/${patient.user.id}/records`);
      assert.equal(records.status, 200, `${who}: ${records.text}`);
      assert.deepEqual(records.body.encounters, [], `${who} must not see the draft in the record`);

      const timeline = await reader.client.get(`/api/patients/${patient.user.id}/timeline`);
      assert.equal(timeline.status, 200, `${who}: ${timeline.text}`);
      assert.deepEqual(
        timeline.body.entries.filter((entry) => entry.kind === 'encounter'),
        [],
        `${who} must not see the draft in the visit history`,
      );
    }
    const colleagueSave = await colleague.client.request('PUT', notePath(), { json: { version: 3, plan: 'Not mine' } });
    assertError(colleagueSave, 404, 'not_found');
    assertSingleEvent(colleagueSave, 'encounter.draft_save', 'denied', colleague.user.id);

    const own = await clinician.client.get(`/api/patients/${patient.user.id}/records`);
    assert.deepEqual(own.body.encounters.map((item) => [item.id, item.status]), [[note.id, 'draft']]);
    const ownTimeline = await clinician.client.get(`/api/patients/${patient.user.id}/timeline`);
    assert.deepEqual(
      ownTimeline.body.entries.filter((entry) => entry.kind === 'encounter').map((entry) => [entry.id, entry.status]),
      [[note.id, 'draft']],
    );
  });

  test('signing locks the note with a SHA-256', async () => {
    const stale = await clinician.client.post(notePath('/sign'), { version: 2 });
    assertError(stale, 409, 'conflict', 'version');

    const response = await clinician.client.post(notePath('/sign'), { version: 3 });
    assert.equal(response.status, 200, response.text);
    assertSingleEvent(response, 'encounter.sign', 'allowed', clinician.user.id);
    note = response.body;
    assert.equal(note.status, 'signed');
    assert.equal(note.version, 4);
    assert.deepEqual(note.signature.signed_by, { id: clinician.user.id, display_name: clinician.user.displayName });
    assert.equal(note.signature.version, 4);
    assert.match(note.signature.signed_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    for (const name of SECTIONS) assert.equal(note[name], draftSections[name], name);
    assert.equal(note.signature.content_sha256, noteDigest(patient.user.id, note));

    const stored = adminQuery(
      "SELECT to_json(encode(content_sha256, 'hex')) FROM encounters WHERE id = :'id';",
      { id: note.id },
    );
    assert.equal(stored, note.signature.content_sha256);
  });

  test('signed note cannot change through the API', async () => {
    const before = versionCount();
    const attempts = [
      ['encounter.draft_save', await clinician.client.request('PUT', notePath(), { json: { version: 4, plan: 'Changed' } })],
      ['encounter.draft_save', await clinician.client.request('PUT', notePath(), { json: { version: 3, plan: 'Changed' } })],
      ['encounter.sign', await clinician.client.post(notePath('/sign'), { version: 4 })],
    ];
    for (const [eventType, response] of attempts) {
      assertError(response, 409, 'conflict');
      assert.match(response.body.error.message, /signed|version/);
      assertSingleEvent(response, eventType, 'failed', clinician.user.id);
    }
    // The colleague cannot either, through the draft routes.
    const colleagueSave = await colleague.client.request('PUT', notePath(), { json: { version: 4, plan: 'Changed' } });
    assertError(colleagueSave, 409, 'conflict');
    assert.equal(versionCount(), before);

    const read = await patient.client.get(notePath());
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.plan, draftSections.plan);
    assert.equal(read.body.signature.content_sha256, note.signature.content_sha256);
  });

  test('amendment needs text and reason', async () => {
    const missingText = await colleague.client.post(notePath('/amendments'), { reason: 'Result arrived' });
    assertError(missingText, 400, 'invalid_field', 'text');
    const blankReason = await colleague.client.post(notePath('/amendments'), { text: 'Potassium 4.1', reason: '  ' });
    assertError(blankReason, 422, 'invalid_field', 'reason');
    const missingReason = await colleague.client.post(notePath('/amendments'), { text: 'Potassium 4.1' });
    assertError(missingReason, 400, 'invalid_field', 'reason');
    assertSingleEvent(missingReason, 'encounter.amend', 'failed', colleague.user.id);

    const patientTry = await patient.client.post(notePath('/amendments'), { text: 'x', reason: 'y' });
    assertError(patientTry, 403, 'forbidden');
  });

  test('treating clinician amends the signed note', async () => {
    const text = `${SCRIPT_PAYLOAD} Potassium 4.1 mmol/L ${marker}`;
    const reason = `${IMG_PAYLOAD} Laboratory result arrived after signing`;
    const response = await colleague.client.post(notePath('/amendments'), { text, reason });
    assert.equal(response.status, 201, response.text);
    assertSingleEvent(response, 'encounter.amend', 'allowed', colleague.user.id);
    amendment = response.body;
    assert.equal(amendment.text, text);
    assert.equal(amendment.reason, reason);
    assert.equal(amendment.version, 5);
    assert.deepEqual(amendment.author, { id: colleague.user.id, display_name: colleague.user.displayName });
    assert.equal(amendment.content_sha256, amendmentDigest(patient.user.id, note.id, note.signature.content_sha256, amendment));

    // The original stays as signed, with the amendment after it.
    const read = await patient.client.get(notePath());
    assert.equal(read.status, 200, read.text);
    assertSingleEvent(read, 'encounter.read', 'allowed', patient.user.id);
    assert.equal(read.headers.get('cache-control'), 'no-store');
    for (const name of SECTIONS) assert.equal(read.body[name], draftSections[name], name);
    assert.equal(read.body.signature.content_sha256, noteDigest(patient.user.id, read.body));
    assert.deepEqual(read.body.amendments, [amendment]);
    assert.equal(read.body.version, 5);
  });

  test('every version is retrievable', async () => {
    const listed = await clinician.client.get(notePath('/versions'));
    assert.equal(listed.status, 200, listed.text);
    assertSingleEvent(listed, 'encounter.versions_read', 'allowed', clinician.user.id);
    const versions = listed.body.versions;
    assert.deepEqual(
      versions.map((item) => [item.version, item.kind, item.author.id]),
      [
        [1, 'draft', clinician.user.id],
        [2, 'draft', clinician.user.id],
        [3, 'draft', clinician.user.id],
        [4, 'signed', clinician.user.id],
        [5, 'amendment', colleague.user.id],
      ],
    );
    assert.equal(versions[3].content_sha256, note.signature.content_sha256);
    assert.equal(versions[4].content_sha256, amendment.content_sha256);
    assert.equal(versions[0].content_sha256, null);

    const expectedPlans = [
      draftSections.plan,
      `${draftSections.plan} Review in one week.`,
      draftSections.plan,
      draftSections.plan,
    ];
    for (const [index, listedVersion] of versions.entries()) {
      const one = await clinician.client.get(notePath(`/versions/${listedVersion.id}`));
      assert.equal(one.status, 200, one.text);
      assertSingleEvent(one, 'encounter.version_read', 'allowed', clinician.user.id);
      assert.equal(one.body.version, listedVersion.version);
      assert.equal(one.body.kind, listedVersion.kind);
      if (listedVersion.kind === 'amendment') {
        assert.deepEqual(one.body.amendment, { text: amendment.text, reason: amendment.reason });
        assert.equal(one.body.sections, undefined);
      } else {
        assert.equal(one.body.sections.plan, expectedPlans[index]);
        assert.equal(one.body.sections.history, draftSections.history);
      }
    }

    // The patient sees the signed version and the amendment, never drafts.
    const patientList = await patient.client.get(notePath('/versions'));
    assert.equal(patientList.status, 200, patientList.text);
    assert.deepEqual(patientList.body.versions.map((item) => item.version), [4, 5]);
    const draftVersion = await patient.client.get(notePath(`/versions/${versions[0].id}`));
    assertError(draftVersion, 404, 'not_found');
    assertSingleEvent(draftVersion, 'encounter.version_read', 'denied', patient.user.id);
    const signedVersion = await patient.client.get(notePath(`/versions/${versions[3].id}`));
    assert.equal(signedVersion.status, 200, signedVersion.text);
    assert.deepEqual(signedVersion.body.sections, Object.fromEntries(SECTIONS.map((name) => [name, draftSections[name]])));
  });

  test('unrelated clinician gets 404, audited', async () => {
    const before = versionCount();
    const versionId = adminQuery(
      "SELECT to_json(id) FROM encounter_note_versions WHERE encounter_id = :'id' AND version = 4;",
      { id: note.id },
    );
    const attempts = [
      ['encounter.read', await unrelated.client.get(notePath())],
      ['encounter.versions_read', await unrelated.client.get(notePath('/versions'))],
      ['encounter.version_read', await unrelated.client.get(notePath(`/versions/${versionId}`))],
      ['encounter.draft_save', await unrelated.client.request('PUT', notePath(), { json: { version: 5, plan: 'x' } })],
      ['encounter.sign', await unrelated.client.post(notePath('/sign'), { version: 5 })],
      ['encounter.amend', await unrelated.client.post(notePath('/amendments'), { text: 'x', reason: 'y' })],
      [
        'encounter.draft_save',
        await unrelated.client.post(notesPath(), { appointment_id: appointment.id, status: 'draft', plan: 'x' }),
      ],
      ['records.read', await unrelated.client.get(`/api/patients/${patient.user.id}/records`)],
    ];
    for (const [eventType, response] of attempts) {
      assertError(response, 404, 'not_found');
      assert.equal(response.body.error.message, 'not found');
      assert.doesNotMatch(response.text, new RegExp(marker));
      const event = assertSingleEvent(response, eventType, 'denied', unrelated.user.id);
      assert.equal(event.actor_role, 'clinician');
      assert.equal(event.patient_id, patient.user.id);
    }
    assert.equal(versionCount(), before);
  });

  test('note of another patient hidden', async () => {
    // A treating clinician naming this note under another patient's path.
    const otherPatient = await newPatient();
    await bookAppointment(clinician, otherPatient, 90);
    const response = await clinician.client.get(`/api/patients/${otherPatient.user.id}/encounters/${note.id}`);
    assertError(response, 404, 'not_found');
    assertSingleEvent(response, 'encounter.read', 'denied', clinician.user.id);
  });

  test('version rows are append-only', () => {
    const asApp = runPsql(
      adminDsn,
      `SET ROLE telehealth_app;
       UPDATE encounter_note_versions SET kind = 'draft' WHERE encounter_id = '${note.id}';`,
    );
    assert.notEqual(asApp.status, 0);
    assert.match(asApp.stderr, /permission denied/);
    const deleteAsApp = runPsql(
      adminDsn,
      `SET ROLE telehealth_app; DELETE FROM encounter_note_versions WHERE encounter_id = '${note.id}';`,
    );
    assert.notEqual(deleteAsApp.status, 0);
    assert.match(deleteAsApp.stderr, /permission denied/);
    // Even the superuser meets the trigger.
    const asSuperuser = runPsql(adminDsn, `DELETE FROM encounter_note_versions WHERE encounter_id = '${note.id}';`);
    assert.notEqual(asSuperuser.status, 0);
    assert.match(asSuperuser.stderr, /append-only/);
    const inReplicaMode = runPsql(
      adminDsn,
      `SET session_replication_role = replica; DELETE FROM encounter_note_versions WHERE encounter_id = '${note.id}';`,
    );
    assert.notEqual(inReplicaMode.status, 0);
    assert.match(inReplicaMode.stderr, /append-only/);
    const unlock = runPsql(adminDsn, `UPDATE encounters SET status = 'draft', signed_at = NULL, signed_by = NULL,
      signed_version = NULL, content_sha256 = NULL, current_version = current_version + 1 WHERE id = '${note.id}';`);
    assert.notEqual(unlock.status, 0);
    assert.match(unlock.stderr, /a signed note is locked/);
    assert.equal(versionCount(), 5);
  });

  test('plaintext absent from database', () => {
    const found = adminQuery(
      `SELECT json_build_object(
         'versions', (SELECT count(*) FROM encounter_note_versions v
                       WHERE v::text LIKE '%' || :'marker' || '%'
                          OR position(convert_to(:'marker', 'UTF8') IN v.content_sealed) > 0),
         'encounters', (SELECT count(*) FROM encounters e WHERE e::text LIKE '%' || :'marker' || '%'));`,
      { marker },
    );
    assert.deepEqual(found, { versions: 0, encounters: 0 });
  });

  test('single-text note still created signed', async () => {
    const text = `${IMG_PAYLOAD} Single text ${randomSuffix(6)}`;
    const response = await clinician.client.post(notesPath(), { appointment_id: appointment.id, note: text });
    assert.equal(response.status, 201, response.text);
    assertSingleEvent(response, 'encounter.create', 'allowed', clinician.user.id);
    assert.equal(response.body.status, 'signed');
    assert.equal(response.body.note, text);
    assert.equal(response.body.free_text, text);
    assert.equal(response.body.presenting_complaint, '');
    assert.equal(response.body.signature.content_sha256, noteDigest(patient.user.id, response.body));
    assertChainIntact();
  });
});
