// Break-glass: a clinician with no appointment with a patient reads that one
// patient's record only inside an episode that has a reason, a justification
// and an end. Every event in it carries the episode id, and admins review it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';

import { elevate, flaggedEventsOfRequest, newStaff, superuserExec } from './support/admin.mjs';
import { assertChainIntact } from './support/audit.mjs';
import { assertError } from './support/client.mjs';
import { adminQuery } from './support/database.mjs';
import { bookAppointment } from './support/scheduling.mjs';
import { newPatient, randomSuffix } from './support/users.mjs';

const recordsPath = (patientId) => `/api/patients/${patientId}/records`;

describe('break-glass', () => {
  let clinician;
  let treating;
  let patient;
  let otherPatient;
  let admin;
  let episode;
  const justification = `Found collapsed in the waiting area, needs allergy history ${randomSuffix(10)}`;

  before(async () => {
    clinician = await newStaff('clinician');
    treating = await newStaff('clinician');
    patient = await newPatient();
    otherPatient = await newPatient();
    await bookAppointment(treating, patient, 30);
    admin = await newStaff('admin');
    await elevate(admin);
  });

  test('no access without episode', async () => {
    const response = await clinician.client.get(recordsPath(patient.user.id));
    assertError(response, 404, 'not_found');
    const events = flaggedEventsOfRequest(response.body.request_id);
    assert.deepEqual(events.map((event) => [event.event_type, event.outcome, event.break_glass_id]), [['records.read', 'denied', null]]);
  });

  test('search matches exact email only', async () => {
    const partial = await clinician.client.post('/api/break-glass/search', { email: patient.user.email.slice(0, -3) });
    assertError(partial, 404, 'not_found');
    const missEvents = flaggedEventsOfRequest(partial.body.request_id);
    assert.deepEqual(missEvents.map((event) => [event.event_type, event.outcome, event.patient_id, event.result_ids]), [['break_glass.search', 'failed', null, '']]);

    assertError(await clinician.client.post('/api/break-glass/search', { email: '%' }), 404, 'not_found');
    assertError(await clinician.client.post('/api/break-glass/search', { email: clinician.user.email }), 404, 'not_found');

    const found = await clinician.client.post('/api/break-glass/search', { email: patient.user.email.toUpperCase() });
    assert.equal(found.status, 200, found.text);
    assert.deepEqual(found.body.patient, { id: patient.user.id, display_name: patient.user.displayName });
    const events = flaggedEventsOfRequest(found.headers.get('x-request-id'));
    // A search records the ids it returned.
    assert.deepEqual(events.map((event) => [event.event_type, event.outcome, event.patient_id, event.result_ids]), [['break_glass.search', 'allowed', patient.user.id, patient.user.id]]);
  });

  test('episode input checked', async () => {
    const start = (body) => clinician.client.post('/api/break-glass/episodes', body);
    assertError(await start({ patient_id: patient.user.id, reason: 'curiosity', justification }), 400, 'invalid_field', 'reason');
    assertError(await start({ patient_id: patient.user.id, reason: 'emergency_treatment', justification: 'urgent' }), 400, 'invalid_field', 'justification');
    assertError(await start({ patient_id: patient.user.id, reason: 'emergency_treatment' }), 400, 'invalid_field', 'justification');
    assertError(await start({ patient_id: 'nobody', reason: 'emergency_treatment', justification }), 400, 'invalid_field', 'patient_id');
    // A clinician is not a patient whose record can be opened.
    assertError(await start({ patient_id: treating.user.id, reason: 'emergency_treatment', justification }), 404, 'not_found');
    assert.equal(adminQuery("SELECT to_json(count(*)) FROM break_glass_episodes WHERE clinician_id = :'id';", { id: clinician.user.id }), 0);
  });

  test('patients cannot break glass', async () => {
    const response = await patient.client.post('/api/break-glass/episodes', {
      patient_id: otherPatient.user.id,
      reason: 'emergency_treatment',
      justification,
    });
    assertError(response, 403, 'forbidden');
  });

  test('episode grants access to one patient', async () => {
    const started = Date.now();
    const response = await clinician.client.post('/api/break-glass/episodes', {
      patient_id: patient.user.id,
      reason: 'patient_unable_to_consent',
      justification,
    });
    assert.equal(response.status, 201, response.text);
    episode = response.body;
    assert.equal(episode.patient.id, patient.user.id);
    assert.equal(episode.reason, 'patient_unable_to_consent');
    // 60 minutes by default.
    assert.equal(Date.parse(episode.expires_at) - Date.parse(episode.started_at), 60 * 60_000);
    assert.ok(Math.abs(Date.parse(episode.started_at) - started) < 5000);

    const startEvents = flaggedEventsOfRequest(response.headers.get('x-request-id'));
    assert.deepEqual(startEvents.map((event) => [event.event_type, event.patient_id, event.record_id, event.break_glass_id]), [
      ['break_glass.start', patient.user.id, episode.id, episode.id],
    ]);

    const records = await clinician.client.get(recordsPath(patient.user.id));
    assert.equal(records.status, 200, records.text);
    assert.equal(records.body.patient.id, patient.user.id);
    const readEvents = flaggedEventsOfRequest(records.headers.get('x-request-id'));
    assert.deepEqual(readEvents.map((event) => [event.event_type, event.outcome, event.patient_id, event.break_glass_id]), [
      ['records.read', 'allowed', patient.user.id, episode.id],
    ]);

    // Only that patient.
    const other = await clinician.client.get(recordsPath(otherPatient.user.id));
    assertError(other, 404, 'not_found');
    assert.deepEqual(flaggedEventsOfRequest(other.body.request_id).map((event) => [event.outcome, event.break_glass_id]), [['denied', null]]);

    // A treating clinician's reads are not flagged.
    const treatingRead = await treating.client.get(recordsPath(patient.user.id));
    assert.equal(treatingRead.status, 200, treatingRead.text);
    assert.deepEqual(flaggedEventsOfRequest(treatingRead.headers.get('x-request-id')).map((event) => event.break_glass_id), [null]);

    const own = await clinician.client.get('/api/break-glass/episodes');
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(own.body.map((entry) => entry.id), [episode.id]);
  });

  test('justification sealed and unlogged', async () => {
    const stored = adminQuery(
      "SELECT json_build_array(position(convert_to(:'text', 'UTF8') in justification_sealed), octet_length(justification_sealed)) FROM break_glass_episodes WHERE id = :'id';",
      { text: justification, id: episode.id },
    );
    assert.equal(stored[0], 0, 'the justification is stored in plaintext');
    assert.ok(stored[1] > justification.length);
    const logFile = process.env.TELEHEALTH_SERVER_LOG;
    if (logFile) assert.equal(readFileSync(logFile, 'utf8').includes(justification), false, 'the justification reached the server log');
  });

  test('review queue and review', async () => {
    const queue = await admin.client.get('/api/admin/break-glass');
    assert.equal(queue.status, 200, queue.text);
    const firstReviewed = queue.body.findIndex((entry) => entry.reviewed_at !== null);
    const lastUnreviewed = queue.body.findLastIndex((entry) => entry.reviewed_at === null);
    assert.ok(firstReviewed === -1 || firstReviewed > lastUnreviewed, 'a reviewed episode is listed before an unreviewed one');

    const entry = queue.body.find((item) => item.id === episode.id);
    assert.ok(entry, 'the episode is not in the queue');
    assert.equal(entry.clinician.id, clinician.user.id);
    assert.equal(entry.patient.id, patient.user.id);
    assert.equal(entry.reason, 'patient_unable_to_consent');
    assert.equal(entry.justification, justification);
    assert.equal(entry.reviewed_at, null);
    const flagged = adminQuery("SELECT to_json(count(*)) FROM audit_events WHERE break_glass_id = :'id';", { id: episode.id });
    assert.equal(flagged, 2);
    assert.equal(entry.audit_events, flagged);
    // The queue shows who and why, never the record.
    assert.equal(JSON.stringify(queue.body).includes('"encounters"'), false);

    const path = `/api/admin/break-glass/${episode.id}/review`;
    assertError(await admin.client.post(path, { note: 'ok' }), 400, 'invalid_field', 'note');
    const note = 'Confirmed with the ward sister: patient arrived unconscious.';
    const reviewed = await admin.client.post(path, { note });
    assert.equal(reviewed.status, 200, reviewed.text);
    assert.equal(reviewed.body.review_note, note);
    assert.equal(reviewed.body.reviewed_by, admin.user.id);
    const events = flaggedEventsOfRequest(reviewed.headers.get('x-request-id'));
    assert.deepEqual(events.map((event) => [event.event_type, event.actor_id, event.record_id, event.patient_id]), [
      ['admin.break_glass_review', admin.user.id, episode.id, patient.user.id],
    ]);

    assertError(await admin.client.post(path, { note: 'A second opinion on it.' }), 409, 'conflict');
    assertError(await admin.client.post('/api/admin/break-glass/00000000-0000-4000-8000-000000000000/review', { note }), 404, 'not_found');

    const after = await admin.client.get('/api/admin/break-glass');
    assert.equal(after.body.find((item) => item.id === episode.id).review_note, note);

    // Admins without elevation and clinicians never see the queue.
    const unelevated = await newStaff('admin');
    assertError(await unelevated.client.get('/api/admin/break-glass'), 403, 'elevation_required');
    assertError(await clinician.client.get('/api/admin/break-glass'), 403, 'forbidden');
  });

  test('episode expires', async () => {
    superuserExec(
      "UPDATE break_glass_episodes SET started_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' WHERE id = :'id';",
      { id: episode.id },
    );
    const response = await clinician.client.get(recordsPath(patient.user.id));
    assertError(response, 404, 'not_found');
    assert.deepEqual(flaggedEventsOfRequest(response.body.request_id).map((event) => [event.outcome, event.break_glass_id]), [['denied', null]]);
    const own = await clinician.client.get('/api/break-glass/episodes');
    assert.deepEqual(own.body, []);
  });

  test('chain verifies with flagged events', () => {
    assertChainIntact();
  });
});
