// Availability and booking: slots are cut from a published range, a slot is
// booked at most once, and an overlapping range is rejected as a whole.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { assertError } from './support/client.mjs';
import { adminQuery, auditEventsOfRequest, countRows } from './support/database.mjs';
import { minutesFromNow, publishAvailability, rfc3339 } from './support/scheduling.mjs';
import { newClinician, newPatient } from './support/users.mjs';

const minute = 60_000;

describe('scheduling', () => {
  let clinician;
  let firstPatient;
  let secondPatient;
  let startsAt;
  let slots;
  let appointment;

  before(async () => {
    clinician = await newClinician();
    firstPatient = await newPatient();
    secondPatient = await newPatient();
  });

  test('availability cut into slots', async () => {
    startsAt = minutesFromNow(2);
    const endsAt = new Date(startsAt.getTime() + 30 * minute);
    const response = await publishAvailability(clinician.client, startsAt, endsAt, 15);
    assert.equal(response.status, 201, response.text);

    slots = response.body.slots;
    assert.equal(slots.length, 2);
    const expected = [
      [startsAt, new Date(startsAt.getTime() + 15 * minute)],
      [new Date(startsAt.getTime() + 15 * minute), endsAt],
    ];
    slots.forEach((slot, i) => {
      assert.equal(slot.clinician_id, clinician.user.id);
      assert.equal(slot.starts_at, rfc3339(expected[i][0]));
      assert.equal(slot.ends_at, rfc3339(expected[i][1]));
      assert.equal(slot.booked, false);
    });
    assert.equal(countRows('availability_slots', "clinician_id = :'id'", { id: clinician.user.id }), 2);

    const free = await firstPatient.client.get(`/api/clinicians/${clinician.user.id}/slots`);
    assert.equal(free.status, 200, free.text);
    assert.deepEqual(free.body.map((slot) => slot.id), slots.map((slot) => slot.id));
  });

  test('patient books a slot', async () => {
    const response = await firstPatient.client.post('/api/appointments', { slot_id: slots[0].id });
    assert.equal(response.status, 201, response.text);
    appointment = response.body;
    assert.match(appointment.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(appointment.status, 'booked');
    assert.equal(appointment.starts_at, slots[0].starts_at);
    assert.equal(appointment.ends_at, slots[0].ends_at);
    assert.equal(appointment.patient.id, firstPatient.user.id);
    assert.equal(appointment.patient.display_name, firstPatient.user.displayName);
    assert.equal(appointment.clinician.id, clinician.user.id);
    assert.equal(appointment.clinician.display_name, clinician.user.displayName);

    const own = await clinician.client.get('/api/availability');
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(own.body.map((slot) => [slot.id, slot.booked]), [
      [slots[0].id, true],
      [slots[1].id, false],
    ]);
  });

  test('an appointment list records the ids it returned', async () => {
    const list = await clinician.client.get('/api/appointments');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.map((item) => item.id), [appointment.id]);
    const events = auditEventsOfRequest(list.headers.get('x-request-id'));
    assert.deepEqual(
      events.map((event) => [event.event_type, event.patient_id, event.result_ids]),
      [['appointment.list', firstPatient.user.id, appointment.id]],
    );
  });

  test('double booking rejected', async () => {
    const response = await secondPatient.client.post('/api/appointments', { slot_id: slots[0].id });
    assertError(response, 409, 'conflict', 'slot_id');

    const booked = adminQuery(
      `SELECT coalesce(json_agg(json_build_object('id', id, 'patient_id', patient_id)), '[]')
         FROM appointments WHERE slot_id = :'slot' AND status = 'booked';`,
      { slot: slots[0].id },
    );
    assert.deepEqual(booked, [{ id: appointment.id, patient_id: firstPatient.user.id }]);
    assert.equal(countRows('appointments', "patient_id = :'id'", { id: secondPatient.user.id }), 0);

    const free = await secondPatient.client.get(`/api/clinicians/${clinician.user.id}/slots`);
    assert.deepEqual(free.body.map((slot) => slot.id), [slots[1].id]);
  });

  test('concurrent bookings book once', async () => {
    const contenders = await Promise.all([newPatient(), newPatient(), newPatient()]);
    const responses = await Promise.all(
      contenders.map((contender) => contender.client.post('/api/appointments', { slot_id: slots[1].id })),
    );

    const statuses = responses.map((response) => response.status).sort();
    assert.deepEqual(statuses, [201, 409, 409], responses.map((response) => response.text).join('\n'));
    for (const response of responses.filter((item) => item.status === 409)) {
      assertError(response, 409, 'conflict', 'slot_id');
    }
    assert.equal(countRows('appointments', "slot_id = :'slot' AND status = 'booked'", { slot: slots[1].id }), 1);
  });

  test('overlapping availability rejected whole', async () => {
    // 15 minutes after the first range's start for 30 minutes: the first new
    // slot overlaps the second published slot, the second new slot does not.
    const overlapStart = new Date(startsAt.getTime() + 15 * minute);
    const overlapEnd = new Date(startsAt.getTime() + 45 * minute);
    const response = await publishAvailability(clinician.client, overlapStart, overlapEnd, 15);
    assertError(response, 409, 'conflict', 'starts_at');

    assert.equal(countRows('availability_slots', "clinician_id = :'id'", { id: clinician.user.id }), 2);
    const own = await clinician.client.get('/api/availability');
    assert.deepEqual(own.body.map((slot) => slot.id), slots.map((slot) => slot.id));
  });
});
