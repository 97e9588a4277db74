// Encounter notes and prescriptions: written by the treating clinician, read
// by the patient, hidden (404) from other clinicians with each denial audited,
// and stored encrypted so that no plaintext reaches the database.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { assertChainIntact } from './support/audit.mjs';
import { assertError } from './support/client.mjs';
import { adminQuery, auditEventsOfRequest, countRows } from './support/database.mjs';
import { bookAppointment } from './support/scheduling.mjs';
import { newClinician, newPatient, randomSuffix } from './support/users.mjs';

describe('patient records', () => {
  const noteMarker = `api-test-note-marker-${randomSuffix(16)}`;
  const drugMarker = `Zyloprantine-${randomSuffix(12)}`;
  const instructions = `Take with water. ${drugMarker}`;
  const notePlaintext = `Reports mild headache for two days. ${noteMarker} Advised fluids and rest.`;

  let clinician;
  let otherClinician;
  let patient;
  let appointment;
  let encounter;
  let prescription;

  function prescriptionBody(overrides = {}) {
    // Paracetamol 500 mg tablets (RxNorm 198440), one every 6 hours when
    // needed for 6 days: at most 24 tablets.
    return {
      appointment_id: appointment.id,
      drug_code: '198440',
      dose: 1,
      route: 'oral',
      frequency: 'every_6_hours',
      as_needed: true,
      duration_days: 6,
      quantity: 24,
      repeats: 0,
      instructions,
      ...overrides,
    };
  }

  const recordsPath = () => `/api/patients/${patient.user.id}/records`;
  const countFor = (table) => countRows(table, "patient_id = :'id'", { id: patient.user.id });

  before(async () => {
    clinician = await newClinician();
    otherClinician = await newClinician();
    patient = await newPatient();
    appointment = await bookAppointment(clinician, patient, 3);
  });

  test('clinician writes encounter note', async () => {
    const response = await clinician.client.post(`/api/patients/${patient.user.id}/encounters`, {
      appointment_id: appointment.id,
      note: notePlaintext,
    });
    assert.equal(response.status, 201, response.text);
    encounter = response.body;
    assert.equal(encounter.appointment_id, appointment.id);
    assert.equal(encounter.note, notePlaintext);
    assert.deepEqual(encounter.clinician, { id: clinician.user.id, display_name: clinician.user.displayName });
    assert.match(encounter.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(response.headers.get('cache-control'), 'no-store');

    const events = auditEventsOfRequest(response.headers.get('x-request-id'));
    assert.equal(events.length, 1);
    assert.equal(events[0].event_type, 'encounter.create');
    assert.equal(events[0].outcome, 'allowed');
    assert.equal(events[0].record_id, encounter.id);
    assert.equal(events[0].patient_id, patient.user.id);
  });

  test('clinician writes prescription', async () => {
    const response = await clinician.client.post(`/api/patients/${patient.user.id}/prescriptions`, prescriptionBody());
    assert.equal(response.status, 201, response.text);
    prescription = response.body;
    assert.equal(prescription.appointment_id, appointment.id);
    assert.equal(prescription.drug_code, '198440');
    assert.equal(prescription.drug, 'acetaminophen 500 MG Oral Tablet');
    assert.equal(prescription.instructions, instructions);
    assert.equal(prescription.form, 'oral tablet');
    assert.equal(prescription.route, 'oral');
    assert.equal(prescription.quantity, 24);
    assert.deepEqual(prescription.clinician, { id: clinician.user.id, display_name: clinician.user.displayName });
  });

  test('patient reads own records', async () => {
    const response = await patient.client.get(recordsPath());
    assert.equal(response.status, 200, response.text);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const records = response.body;
    assert.deepEqual(records.patient, { id: patient.user.id, display_name: patient.user.displayName });
    assert.deepEqual(records.appointments.map((item) => item.id), [appointment.id]);
    assert.equal(records.encounters.length, 1);
    assert.equal(records.encounters[0].id, encounter.id);
    assert.equal(records.encounters[0].note, notePlaintext);
    assert.equal(records.prescriptions.length, 1);
    assert.equal(records.prescriptions[0].id, prescription.id);
    assert.equal(records.prescriptions[0].instructions, instructions);
    assert.equal(records.prescriptions[0].dose, 1);
  });

  test('unrelated clinician gets 404', async () => {
    const encountersBefore = countFor('encounters');
    const prescriptionsBefore = countFor('prescriptions');

    const attempts = [
      ['records.read', await otherClinician.client.get(recordsPath())],
      [
        'encounter.create',
        await otherClinician.client.post(`/api/patients/${patient.user.id}/encounters`, {
          appointment_id: appointment.id,
          note: 'An unrelated clinician tries to add this note.',
        }),
      ],
      [
        'prescription.create',
        await otherClinician.client.post(`/api/patients/${patient.user.id}/prescriptions`, prescriptionBody()),
      ],
    ];
    for (const [eventType, response] of attempts) {
      assertError(response, 404, 'not_found');
      assert.doesNotMatch(response.text, new RegExp(noteMarker));
      const events = auditEventsOfRequest(response.body.request_id);
      assert.equal(events.length, 1, `${eventType}: ${JSON.stringify(events)}`);
      assert.equal(events[0].event_type, eventType);
      assert.equal(events[0].outcome, 'denied');
      assert.equal(events[0].actor_id, otherClinician.user.id);
      assert.equal(events[0].actor_role, 'clinician');
      assert.equal(events[0].patient_id, patient.user.id);
    }

    assert.equal(countFor('encounters'), encountersBefore);
    assert.equal(countFor('prescriptions'), prescriptionsBefore);
  });

  test('other patient gets 404', async () => {
    const otherPatient = await newPatient();
    const response = await otherPatient.client.get(recordsPath());
    assertError(response, 404, 'not_found');
    assert.doesNotMatch(response.text, new RegExp(noteMarker));

    const events = auditEventsOfRequest(response.body.request_id);
    assert.equal(events.length, 1);
    assert.equal(events[0].event_type, 'records.read');
    assert.equal(events[0].outcome, 'denied');
    assert.equal(events[0].actor_id, otherPatient.user.id);
    assert.equal(events[0].patient_id, patient.user.id);
  });

  test('plaintext absent from database', () => {
    const sealedColumns = { encounters: 'note_sealed', prescriptions: 'content_sealed' };
    for (const [table, sealedColumn] of Object.entries(sealedColumns)) {
      for (const marker of [noteMarker, drugMarker]) {
        // t::text shows bytea columns in hex, so the sealed bytes are also
        // searched for the marker's UTF-8 bytes.
        const found = adminQuery(
          `SELECT json_build_object(
                    'row_text', (SELECT count(*) FROM ${table} t
                                  WHERE t::text LIKE '%' || :'marker' || '%'),
                    'sealed_bytes', (SELECT count(*) FROM ${table}
                                      WHERE position(convert_to(:'marker', 'UTF8') IN ${sealedColumn}) > 0));`,
          { marker },
        );
        assert.deepEqual(found, { row_text: 0, sealed_bytes: 0 }, `${marker} found in ${table}`);
      }
    }
    assert.equal(countFor('encounters'), 1);
    assert.equal(countFor('prescriptions'), 1);
  });

  test('route unsuited to form rejected', async () => {
    const before = countFor('prescriptions');
    const response = await clinician.client.post(
      `/api/patients/${patient.user.id}/prescriptions`,
      prescriptionBody({ route: 'intravenous' }),
    );
    assertError(response, 422, 'invalid_field', 'route');
    assert.equal(countFor('prescriptions'), before);
  });

  test('rejected note writes nothing', async () => {
    const before = countFor('encounters');
    const response = await clinician.client.post(`/api/patients/${patient.user.id}/encounters`, {
      appointment_id: appointment.id,
      note: ' \n\t ',
    });
    assertError(response, 422, 'invalid_field', 'note');
    assert.equal(countFor('encounters'), before);
  });

  test('rejected write still audited', async () => {
    // docs/api.md: every call to a records route writes an audit event,
    // allowed or denied, including a write rejected for its content.
    const response = await clinician.client.post(
      `/api/patients/${patient.user.id}/prescriptions`,
      prescriptionBody({ quantity: 0 }),
    );
    assertError(response, 422, 'invalid_field', 'quantity');
    const events = auditEventsOfRequest(response.body.request_id);
    assert.equal(events.length, 1, `audit events of the rejected request: ${JSON.stringify(events)}`);
    assert.equal(events[0].event_type, 'prescription.create');
    assert.equal(events[0].actor_id, clinician.user.id);
    assert.equal(events[0].patient_id, patient.user.id);
    assert.equal(events[0].outcome, 'failed');
  });

  test('uppercase patient id canonicalised', async () => {
    // Ids are bound into associated data and hashed into the audit chain as
    // text, so an uppercase id in the path must act exactly like the stored
    // lowercase one.
    const upper = patient.user.id.toUpperCase();
    const note = `Uppercase path note ${randomSuffix(8)}.`;
    const written = await clinician.client.post(`/api/patients/${upper}/encounters`, {
      appointment_id: appointment.id.toUpperCase(),
      note,
    });
    assert.equal(written.status, 201, written.text);
    assert.equal(written.body.appointment_id, appointment.id);

    const read = await patient.client.get(recordsPath());
    assert.equal(read.status, 200, read.text);
    assert.ok(read.body.encounters.some((item) => item.note === note), 'the note must open');

    assertChainIntact();
  });

  test('invalid UTF-8 user agent audited', async () => {
    // A header that is not valid UTF-8 must not stop the audit row (PostgreSQL
    // rejects invalid UTF-8 in text columns), so the read still succeeds.
    const response = await patient.client.get(recordsPath(), {
      headers: { 'User-Agent': 'Mozilla \xff\xfe probe' },
    });
    assert.equal(response.status, 200, response.text);
    const requestId = response.headers.get('x-request-id');
    const events = auditEventsOfRequest(requestId);
    assert.equal(events.length, 1, `audit events of the request: ${JSON.stringify(events)}`);
    assert.equal(events[0].event_type, 'records.read');
    assert.equal(events[0].outcome, 'allowed');
  });
});
