// The visit history: one timeline of a patient's appointments, notes and
// prescriptions, newest first, a page at a time, read by the patient and by
// each treating clinician, hidden (404, audited) from anyone else.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { assertError } from './support/client.mjs';
import { auditEventsOfRequest } from './support/database.mjs';
import { bookAppointment } from './support/scheduling.mjs';
import { newClinician, newPatient, randomSuffix } from './support/users.mjs';

describe('visit history', () => {
  const drug = `Timelinorex-${randomSuffix(10)}`;
  let clinician;
  let secondClinician;
  let unrelatedClinician;
  let patient;
  let soon;
  let later;
  let withSecond;
  let encounter;
  let prescription;

  const timelinePath = (query = '') => `/api/patients/${patient.user.id}/timeline${query}`;

  before(async () => {
    clinician = await newClinician();
    secondClinician = await newClinician();
    unrelatedClinician = await newClinician();
    patient = await newPatient();
    soon = await bookAppointment(clinician, patient, 3);
    later = await bookAppointment(clinician, patient, 120);
    withSecond = await bookAppointment(secondClinician, patient, 60);

    const note = await clinician.client.post(`/api/patients/${patient.user.id}/encounters`, {
      appointment_id: soon.id,
      note: 'Seen for a routine review.',
    });
    assert.equal(note.status, 201, note.text);
    encounter = note.body;
    const order = await clinician.client.post(`/api/patients/${patient.user.id}/prescriptions`, {
      // Amoxicillin 250 mg capsules (RxNorm 308182), one twice daily for 7 days.
      appointment_id: soon.id,
      drug_code: '308182',
      dose: 1,
      route: 'oral',
      frequency: 'twice_daily',
      duration_days: 7,
      quantity: 14,
      repeats: 0,
      instructions: drug,
    });
    assert.equal(order.status, 201, order.text);
    prescription = order.body;
  });

  // Appointments are placed at their start, notes and prescriptions at their
  // creation; a prescription and a note of the same second order by kind.
  const expectedOrder = () => [
    ['appointment', later.id],
    ['appointment', withSecond.id],
    ['appointment', soon.id],
    ['prescription', prescription.id],
    ['encounter', encounter.id],
  ];

  test('the patient reads the whole timeline, newest first', async () => {
    const response = await patient.client.get(timelinePath());
    assert.equal(response.status, 200, response.text);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const { entries, next } = response.body;
    assert.equal(next, null);
    assert.deepEqual(
      entries.map((entry) => [entry.kind, entry.id]),
      expectedOrder(),
    );

    const byId = Object.fromEntries(entries.map((entry) => [entry.id, entry]));
    assert.deepEqual(byId[withSecond.id].clinician, {
      id: secondClinician.user.id,
      display_name: secondClinician.user.displayName,
    });
    assert.equal(byId[soon.id].status, 'booked');
    assert.equal(byId[soon.id].occurred_at, soon.starts_at);
    assert.equal(byId[prescription.id].summary, 'amoxicillin 250 MG Oral Capsule');
    assert.equal(byId[prescription.id].status, 'issued');
    assert.equal(byId[prescription.id].appointment_id, soon.id);
    assert.equal(byId[encounter.id].occurred_at, encounter.created_at);

    const events = auditEventsOfRequest(response.headers.get('x-request-id'));
    assert.equal(events.length, 1);
    assert.equal(events[0].event_type, 'timeline.read');
    assert.equal(events[0].outcome, 'allowed');
    assert.equal(events[0].record_type, 'timeline');
    assert.equal(events[0].patient_id, patient.user.id);
  });

  test('pages of two cover every entry once, in order', async () => {
    const seen = [];
    let cursor = null;
    for (let page = 0; page < 10; page += 1) {
      const query = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const response = await clinician.client.get(timelinePath(query));
      assert.equal(response.status, 200, response.text);
      assert.ok(response.body.entries.length <= 2);
      seen.push(...response.body.entries.map((entry) => [entry.kind, entry.id]));
      cursor = response.body.next;
      if (cursor === null) break;
    }
    assert.equal(cursor, null, 'the last page has no next cursor');
    assert.deepEqual(seen, expectedOrder());
  });

  test('every treating clinician reads the same timeline', async () => {
    const response = await secondClinician.client.get(timelinePath());
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(
      response.body.entries.map((entry) => entry.id),
      expectedOrder().map(([, id]) => id),
    );
  });

  test('an unrelated clinician gets 404, and the denial is audited', async () => {
    const response = await unrelatedClinician.client.get(timelinePath());
    assertError(response, 404, 'not_found');
    assert.doesNotMatch(response.text, new RegExp(drug));
    const events = auditEventsOfRequest(response.body.request_id);
    assert.equal(events.length, 1);
    assert.equal(events[0].event_type, 'timeline.read');
    assert.equal(events[0].outcome, 'denied');
    assert.equal(events[0].actor_id, unrelatedClinician.user.id);
    assert.equal(events[0].patient_id, patient.user.id);
  });

  test('forged cursor rejected before access', async () => {
    for (const cursor of ['abc', '1.visit.' + soon.id, '-5.appointment.' + soon.id, '999999999999999999.appointment.' + soon.id, '1.appointment.not-a-uuid']) {
      const response = await patient.client.get(timelinePath(`?cursor=${encodeURIComponent(cursor)}`));
      assertError(response, 400, 'invalid_field', 'cursor');
      assert.deepEqual(auditEventsOfRequest(response.body.request_id), []);
    }
    assertError(await patient.client.get(timelinePath('?limit=0')), 400, 'invalid_field', 'limit');
    assertError(await patient.client.get(timelinePath('?limit=101')), 400, 'invalid_field', 'limit');
    assertError(await patient.client.get(timelinePath('?page=2')), 400, 'invalid_field', 'page');
  });
});
