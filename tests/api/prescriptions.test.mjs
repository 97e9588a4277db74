// Coded prescriptions: issued from the formulary with every field checked,
// cancelled with a reason, every version readable, hidden (404) from
// unrelated clinicians with each denial audited, sealed in the database,
// and free text returned verbatim whatever markup it holds.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';

import { assertChainIntact } from './support/audit.mjs';
import { assertError } from './support/client.mjs';
import { adminQuery, auditEventsOfRequest, countRows, runPsql } from './support/database.mjs';
import { appDsn, adminDsn, binary, config, configFile } from './support/env.mjs';
import { bookAppointment } from './support/scheduling.mjs';
import { newClinician, newPatient, randomSuffix } from './support/users.mjs';

const rxnorm = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const scriptPayload = '<script>window.__xss=1</script>';
const imagePayload = '<img src=x onerror="window.__xss=1">';

describe('prescriptions', () => {
  const instructionsMarker = `rx-instructions-marker-${randomSuffix(16)}`;
  const instructions = `Take with food. ${scriptPayload} ${instructionsMarker}`;
  const cancelReason = `Allergy reported. ${imagePayload} ${scriptPayload}`;

  let prescriber;
  let colleague; // a second clinician who also treats the patient
  let unrelated;
  let patient;
  let appointment;
  let issued;

  const basePath = () => `/api/patients/${patient.user.id}/prescriptions`;
  const countFor = (table) => countRows(table, "patient_id = :'id'", { id: patient.user.id });
  const versionCount = () =>
    adminQuery(
      `SELECT to_json(count(*)) FROM prescription_versions v JOIN prescriptions p
         ON p.id = v.prescription_id WHERE p.patient_id = :'id';`,
      { id: patient.user.id },
    );

  // Amoxicillin 500 mg capsules, one three times daily for five days: 15 capsules.
  function amoxicillin(overrides = {}) {
    return {
      appointment_id: appointment.id,
      drug_code: '308191',
      dose: 1,
      route: 'oral',
      frequency: 'three_times_daily',
      as_needed: false,
      duration_days: 5,
      quantity: 15,
      repeats: 0,
      instructions,
      ...overrides,
    };
  }

  before(async () => {
    prescriber = await newClinician();
    colleague = await newClinician();
    unrelated = await newClinician();
    patient = await newPatient();
    appointment = await bookAppointment(prescriber, patient, 3);
    await bookAppointment(colleague, patient, 30);
  });

  test('formulary searched by prefix', async () => {
    const amox = await prescriber.client.get('/api/formulary?q=amox');
    assert.equal(amox.status, 200, amox.text);
    assert.deepEqual(
      amox.body.products.map((product) => product.code),
      ['308182', '308191', '308192'],
    );
    const capsule = amox.body.products[1];
    assert.deepEqual(capsule, {
      code: '308191',
      system: rxnorm,
      display: 'amoxicillin 500 MG Oral Capsule',
      name: 'amoxicillin',
      form: 'oral capsule',
      strength: '500 mg',
      routes: ['oral'],
      dose_unit: 'capsule',
      dose_step: 1,
      max_dose: 2,
      supply_unit: 'capsule',
      doses_per_supply_unit: 1,
      max_quantity: null,
    });
    assert.ok(amox.body.frequencies.some((item) => item.code === 'every_4_hours' && item.per_week === 42));

    // The UK name finds the US product through the name "albuterol (salbutamol)".
    const salbutamol = await prescriber.client.get('/api/formulary?q=SALB');
    assert.equal(salbutamol.status, 200, salbutamol.text);
    assert.deepEqual(
      salbutamol.body.products.map((product) => product.code),
      ['745679', '245314'],
    );

    const all = await prescriber.client.get('/api/formulary');
    assert.equal(all.body.products.length, 33);
    assert.ok(all.body.products.every((product) => product.system === rxnorm));

    const limited = await prescriber.client.get('/api/formulary?limit=2');
    assert.equal(limited.body.products.length, 2);

    assertError(await prescriber.client.get('/api/formulary?limit=0'), 400, 'invalid_field', 'limit');
    assertError(await patient.client.get('/api/formulary'), 403, 'forbidden');
  });

  test('clinician issues coded prescription', async () => {
    const response = await prescriber.client.post(basePath(), amoxicillin());
    assert.equal(response.status, 201, response.text);
    issued = response.body;
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.match(issued.id, /^[0-9a-f-]{36}$/);
    assert.match(issued.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const fields = { ...issued };
    delete fields.id;
    delete fields.created_at;
    assert.deepEqual(fields, {
      appointment_id: appointment.id,
      clinician: { id: prescriber.user.id, display_name: prescriber.user.displayName },
      status: 'issued',
      drug_code: '308191',
      drug_system: rxnorm,
      drug: 'amoxicillin 500 MG Oral Capsule',
      form: 'oral capsule',
      strength: '500 mg',
      dose: 1,
      dose_unit: 'capsule',
      route: 'oral',
      frequency: 'three_times_daily',
      as_needed: false,
      duration_days: 5,
      quantity: 15,
      supply_unit: 'capsule',
      repeats: 0,
      instructions,
    });

    const events = auditEventsOfRequest(response.headers.get('x-request-id'));
    assert.equal(events.length, 1, JSON.stringify(events));
    assert.equal(events[0].event_type, 'prescription.create');
    assert.equal(events[0].outcome, 'allowed');
    assert.equal(events[0].record_type, 'prescription');
    assert.equal(events[0].record_id, issued.id);
    assert.equal(events[0].patient_id, patient.user.id);
  });

  test('records list coded prescription', async () => {
    const response = await patient.client.get(`/api/patients/${patient.user.id}/records`);
    assert.equal(response.status, 200, response.text);
    const listed = response.body.prescriptions.find((item) => item.id === issued.id);
    assert.deepEqual(listed, issued);
  });

  test('invalid fields rejected and named', async () => {
    const prescriptionsBefore = countFor('prescriptions');
    const versionsBefore = versionCount();
    const withoutFrequency = amoxicillin();
    delete withoutFrequency.frequency;
    const withoutRepeats = amoxicillin();
    delete withoutRepeats.repeats;

    const cases = [
      ['unknown drug code', amoxicillin({ drug_code: '999999991' }), 422, 'drug_code', '999999991'],
      ['route the capsule does not allow', amoxicillin({ route: 'inhalation' }), 422, 'route'],
      ['unknown route', amoxicillin({ route: 'nasal-spray-x' }), 422, 'route', 'nasal-spray-x'],
      ['quantity below dose x frequency x duration', amoxicillin({ quantity: 14 }), 422, 'quantity', '14'],
      ['quantity over twice the need', amoxicillin({ quantity: 31 }), 422, 'quantity', '31'],
      ['zero quantity', amoxicillin({ quantity: 0 }), 422, 'quantity'],
      ['zero dose', amoxicillin({ dose: 0 }), 422, 'dose'],
      ['negative dose', amoxicillin({ dose: -1 }), 422, 'dose'],
      ['half a capsule', amoxicillin({ dose: 0.5, quantity: 8 }), 422, 'dose', '0.5'],
      ['dose over the product maximum', amoxicillin({ dose: 7, quantity: 105 }), 422, 'dose', '7'],
      ['missing frequency', withoutFrequency, 422, 'frequency'],
      ['unknown frequency', amoxicillin({ frequency: 'hourly-ish' }), 422, 'frequency', 'hourly-ish'],
      ['zero duration', amoxicillin({ duration_days: 0 }), 422, 'duration_days'],
      ['negative duration', amoxicillin({ duration_days: -3 }), 422, 'duration_days'],
      ['duration over a year', amoxicillin({ duration_days: 366 }), 422, 'duration_days', '366'],
      ['missing repeats', withoutRepeats, 422, 'repeats'],
      ['negative repeats', amoxicillin({ repeats: -1 }), 422, 'repeats'],
      ['too many repeats', amoxicillin({ repeats: 13 }), 422, 'repeats'],
      ['instructions too long', amoxicillin({ instructions: 'x'.repeat(501) }), 422, 'instructions'],
      ['instructions with a NUL', amoxicillin({ instructions: 'Take with\u0000 food.' }), 400, 'instructions'],
      ['dose as text', amoxicillin({ dose: '1 capsule' }), 400, 'dose', '1 capsule'],
      ['as_needed as text', amoxicillin({ as_needed: 'yes' }), 400, 'as_needed'],
    ];
    for (const [name, body, status, field, submitted] of cases) {
      const response = await prescriber.client.post(basePath(), body);
      assertError(response, status, 'invalid_field', field);
      if (submitted !== undefined) {
        assert.ok(
          !response.body.error.message.includes(submitted),
          `${name}: the message repeats the submitted value: ${response.body.error.message}`,
        );
      }
      const events = auditEventsOfRequest(response.body.request_id);
      assert.equal(events.length, 1, `${name}: ${JSON.stringify(events)}`);
      assert.equal(events[0].event_type, 'prescription.create');
      assert.equal(events[0].outcome, 'failed');
    }
    assert.equal(countFor('prescriptions'), prescriptionsBefore);
    assert.equal(versionCount(), versionsBefore);
  });

  test('as-needed quantity capped by frequency', async () => {
    // Paracetamol 500 mg: 2 tablets up to four times daily for 3 days is at
    // most 24 tablets; an as-needed prescription may supply fewer.
    const paracetamol = (quantity) =>
      amoxicillin({
        drug_code: '198440',
        dose: 2,
        frequency: 'four_times_daily',
        as_needed: true,
        duration_days: 3,
        quantity,
      });
    const fewer = await prescriber.client.post(basePath(), paracetamol(16));
    assert.equal(fewer.status, 201, fewer.text);
    assert.equal(fewer.body.as_needed, true);
    assert.equal(fewer.body.dose_unit, 'tablet');
    assertError(await prescriber.client.post(basePath(), paracetamol(25)), 422, 'invalid_field', 'quantity');
  });

  test('inhaler quantity counted in inhalers', async () => {
    // Two actuations four times daily for 30 days is 240 actuations, which
    // needs 2 inhalers of 200.
    const inhaler = (overrides) =>
      amoxicillin({
        drug_code: '745679',
        dose: 2,
        route: 'inhalation',
        frequency: 'four_times_daily',
        duration_days: 30,
        quantity: 2,
        ...overrides,
      });
    const ok = await prescriber.client.post(basePath(), inhaler({}));
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.dose_unit, 'actuation');
    assert.equal(ok.body.supply_unit, 'inhaler');
    assertError(await prescriber.client.post(basePath(), inhaler({ quantity: 1 })), 422, 'invalid_field', 'quantity');
    assertError(await prescriber.client.post(basePath(), inhaler({ quantity: 5 })), 422, 'invalid_field', 'quantity');
    assertError(await prescriber.client.post(basePath(), inhaler({ route: 'oral' })), 422, 'invalid_field', 'route');
  });

  test('cream bounded by maximum quantity', async () => {
    const cream = (quantity) =>
      amoxicillin({
        drug_code: '106258',
        dose: 1,
        route: 'topical',
        frequency: 'twice_daily',
        duration_days: 14,
        quantity,
      });
    const ok = await prescriber.client.post(basePath(), cream(30));
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.supply_unit, 'g');
    assertError(await prescriber.client.post(basePath(), cream(101)), 422, 'invalid_field', 'quantity');
  });

  test('unrelated clinician gets 404', async () => {
    const prescriptionsBefore = countFor('prescriptions');
    const versionsBefore = versionCount();
    const attempts = [
      ['prescription.create', await unrelated.client.post(basePath(), amoxicillin())],
      [
        'prescription.cancel',
        await unrelated.client.post(`${basePath()}/${issued.id}/cancel`, { reason: 'Not mine to cancel.' }),
      ],
      ['prescription.versions_read', await unrelated.client.get(`${basePath()}/${issued.id}/versions`)],
      ['records.read', await unrelated.client.get(`/api/patients/${patient.user.id}/records`)],
    ];
    for (const [eventType, response] of attempts) {
      assertError(response, 404, 'not_found');
      assert.ok(!response.text.includes(instructionsMarker), `${eventType}: the response leaks the prescription`);
      const events = auditEventsOfRequest(response.body.request_id);
      assert.equal(events.length, 1, `${eventType}: ${JSON.stringify(events)}`);
      assert.equal(events[0].event_type, eventType);
      assert.equal(events[0].outcome, 'denied');
      assert.equal(events[0].actor_id, unrelated.user.id);
      assert.equal(events[0].actor_role, 'clinician');
      assert.equal(events[0].patient_id, patient.user.id);
    }
    assert.equal(countFor('prescriptions'), prescriptionsBefore);
    assert.equal(versionCount(), versionsBefore);
  });

  test('other patient gets 404 on versions', async () => {
    const otherPatient = await newPatient();
    const response = await otherPatient.client.get(`${basePath()}/${issued.id}/versions`);
    assertError(response, 404, 'not_found');
    const events = auditEventsOfRequest(response.body.request_id);
    assert.equal(events.length, 1, JSON.stringify(events));
    assert.equal(events[0].event_type, 'prescription.versions_read');
    assert.equal(events[0].outcome, 'denied');
  });

  test('patient may not cancel', async () => {
    const response = await patient.client.post(`${basePath()}/${issued.id}/cancel`, { reason: 'I changed my mind.' });
    assertError(response, 403, 'forbidden');
  });

  test('cancel needs a reason', async () => {
    for (const reason of ['', '  \n ']) {
      const response = await prescriber.client.post(`${basePath()}/${issued.id}/cancel`, { reason });
      assertError(response, 422, 'invalid_field', 'reason');
    }
    assertError(await prescriber.client.post(`${basePath()}/${issued.id}/cancel`, {}), 400, 'invalid_field', 'reason');
    const tooLong = await prescriber.client.post(`${basePath()}/${issued.id}/cancel`, { reason: 'r'.repeat(501) });
    assertError(tooLong, 422, 'invalid_field', 'reason');
    const withNul = await prescriber.client.post(`${basePath()}/${issued.id}/cancel`, { reason: 'Wrong\u0000 drug.' });
    assertError(withNul, 400, 'invalid_field', 'reason');
    const status = adminQuery(`SELECT to_json(status) FROM prescriptions WHERE id = :'id';`, { id: issued.id });
    assert.equal(status, 'issued');
  });

  test('treating colleague cancels', async () => {
    const response = await colleague.client.post(`${basePath()}/${issued.id}/cancel`, { reason: cancelReason });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.id, issued.id);
    assert.equal(response.body.status, 'cancelled');
    assert.equal(response.body.instructions, instructions);

    const events = auditEventsOfRequest(response.headers.get('x-request-id'));
    assert.equal(events.length, 1, JSON.stringify(events));
    assert.equal(events[0].event_type, 'prescription.cancel');
    assert.equal(events[0].outcome, 'allowed');
    assert.equal(events[0].actor_id, colleague.user.id);
    assert.equal(events[0].record_id, issued.id);
  });

  test('second cancel conflicts', async () => {
    const response = await prescriber.client.post(`${basePath()}/${issued.id}/cancel`, { reason: 'Again.' });
    assertError(response, 409, 'conflict');
    const versions = adminQuery(
      `SELECT to_json(count(*)) FROM prescription_versions WHERE prescription_id = :'id';`,
      { id: issued.id },
    );
    assert.equal(versions, 2);
  });

  test('unknown prescription id 404', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    assertError(await prescriber.client.post(`${basePath()}/${unknown}/cancel`, { reason: 'No such thing.' }), 404, 'not_found');
    assertError(await prescriber.client.get(`${basePath()}/${unknown}/versions`), 404, 'not_found');
  });

  test('every version retrievable', async () => {
    for (const reader of [patient, prescriber, colleague]) {
      const response = await reader.client.get(`${basePath()}/${issued.id}/versions`);
      assert.equal(response.status, 200, response.text);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const [first, second, ...rest] = response.body.versions;
      assert.equal(rest.length, 0);

      assert.equal(first.version, 1);
      assert.equal(first.action, 'issued');
      assert.deepEqual(first.actor, { id: prescriber.user.id, display_name: prescriber.user.displayName });
      assert.equal(first.cancel_reason, null);
      assert.deepEqual(first.prescription, issued);

      assert.equal(second.version, 2);
      assert.equal(second.action, 'cancelled');
      assert.deepEqual(second.actor, { id: colleague.user.id, display_name: colleague.user.displayName });
      assert.equal(second.cancel_reason, cancelReason);
      assert.deepEqual(second.prescription, { ...issued, status: 'cancelled' });

      const events = auditEventsOfRequest(response.headers.get('x-request-id'));
      assert.equal(events.length, 1, JSON.stringify(events));
      assert.equal(events[0].event_type, 'prescription.versions_read');
      assert.equal(events[0].outcome, 'allowed');
      assert.equal(events[0].record_id, issued.id);
    }
  });

  test('records show cancelled status', async () => {
    const response = await patient.client.get(`/api/patients/${patient.user.id}/records`);
    const listed = response.body.prescriptions.find((item) => item.id === issued.id);
    assert.equal(listed.status, 'cancelled');
  });

  test('plaintext absent from database', () => {
    for (const [table, column] of [
      ['prescriptions', 'content_sealed'],
      ['prescription_versions', 'content_sealed'],
    ]) {
      for (const marker of [instructionsMarker, 'Allergy reported', 'amoxicillin']) {
        const found = adminQuery(
          `SELECT json_build_object(
                    'row_text', (SELECT count(*) FROM ${table} t WHERE t::text LIKE '%' || :'marker' || '%'),
                    'sealed_bytes', (SELECT count(*) FROM ${table}
                                      WHERE position(convert_to(:'marker', 'UTF8') IN ${column}) > 0));`,
          { marker },
        );
        assert.deepEqual(found, { row_text: 0, sealed_bytes: 0 }, `${marker} found in ${table}`);
      }
    }
  });

  test('history rows cannot change', () => {
    const attempts = [
      [appDsn, `UPDATE prescription_versions SET action = 'issued' WHERE prescription_id = :'id'`, /permission denied/],
      [appDsn, `DELETE FROM prescription_versions WHERE prescription_id = :'id'`, /permission denied/],
      [appDsn, `UPDATE prescriptions SET status = 'issued' WHERE id = :'id'`, /only issued to cancelled is allowed/],
      [appDsn, `UPDATE prescriptions SET created_at = now() WHERE id = :'id'`, /permission denied/],
      [appDsn, `DELETE FROM prescriptions WHERE id = :'id'`, /permission denied/],
      // Triggers stop even the superuser.
      [adminDsn, `UPDATE prescription_versions SET action = 'issued' WHERE prescription_id = :'id'`, /append-only/],
      [adminDsn, `DELETE FROM prescription_versions WHERE prescription_id = :'id'`, /append-only/],
      [adminDsn, `TRUNCATE prescription_versions`, /append-only/],
      [adminDsn, `UPDATE prescriptions SET status = 'issued' WHERE id = :'id'`, /only issued to cancelled/],
      [adminDsn, `DELETE FROM prescriptions WHERE id = :'id'`, /only issued to cancelled/],
    ];
    for (const [dsn, sql, expected] of attempts) {
      const result = runPsql(dsn, `${sql};`, { id: issued.id });
      assert.notEqual(result.status, 0, `${sql} succeeded`);
      assert.match(result.stderr, expected, sql);
    }
    const versions = adminQuery(
      `SELECT to_json(count(*)) FROM prescription_versions WHERE prescription_id = :'id';`,
      { id: issued.id },
    );
    assert.equal(versions, 2);
    assertChainIntact();
  });

  test('malformed formulary stops start-up', () => {
    const folder = mkdtempSync(join(dirname(configFile), 'formulary-'));
    try {
      const formulary = join(folder, 'formulary.json');
      const serverConfig = join(folder, 'telehealth.json');
      writeFileSync(
        formulary,
        JSON.stringify({
          products: [
            {
              code: '308191',
              system: rxnorm,
              display: 'amoxicillin 500 MG Oral Capsule',
              name: 'amoxicillin',
              form: 'oral capsule',
              strength: '500 mg',
              routes: ['oral'],
              dose_unit: 'capsule',
              dose_step: 1,
              max_dose: 2,
              supply_unit: 'capsule',
              doses_per_supply_unit: 1,
            },
            { code: '198440', system: rxnorm, display: 'acetaminophen 500 MG Oral Tablet', routes: [] },
          ],
        }),
      );
      writeFileSync(serverConfig, JSON.stringify({ ...config, listen: '127.0.0.1:0', formulary }), { mode: 0o600 });
      const result = spawnSync(binary, ['--config', serverConfig, 'serve'], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(result.status, 1, `exit status; stderr: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`formulary ${formulary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: products entry 2 \\(code 198440\\): name: is required`));

      writeFileSync(formulary, '{\n  "products": [\n    {"code": "1",}\n  ]\n}\n');
      const syntax = spawnSync(binary, ['--config', serverConfig, 'serve'], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(syntax.status, 1, `exit status; stderr: ${syntax.stderr}`);
      assert.match(syntax.stderr, /invalid JSON: .*line 3, column \d+/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
