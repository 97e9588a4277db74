// Group commit with several instances: each `telehealth serve` appends the
// events of its reads to its own chain (audit.chain), every chain starts at
// seq 1 and links to its own predecessor, and `audit verify` checks them all.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertChainIntact } from './support/audit.mjs';
import { ApiClient } from './support/client.mjs';
import { adminQuery } from './support/database.mjs';
import { bookAppointment } from './support/scheduling.mjs';
import { startServer } from './support/server.mjs';
import { randomSuffix, newClinician, newPatient } from './support/users.mjs';

function eventOfRequest(requestId) {
  return adminQuery(
    `SELECT row_to_json(e) FROM (SELECT chain, seq, event_type, outcome, patient_id
       FROM audit_events WHERE request_id = :'request_id') e;`,
    { request_id: requestId },
  );
}

describe('audit chains of several instances', () => {
  const chain = `second-${randomSuffix(8)}`;
  let second;
  let clinician;
  let patient;

  before(async () => {
    second = await startServer({ audit: { chain } });
    clinician = await newClinician();
    patient = await newPatient();
    await bookAppointment(clinician, patient);
  });

  after(async () => {
    await second?.stop();
  });

  test('each instance appends reads to its own chain', async () => {
    // Sessions live in the database, so the same session works on both.
    const viaSecond = new ApiClient('clinician on the second instance', { baseUrl: second.url });
    viaSecond.sessionToken = clinician.client.sessionToken;
    const path = `/api/patients/${patient.user.id}/records`;

    const first = await viaSecond.get(path);
    assert.equal(first.status, 200, first.text);
    const again = await viaSecond.get(path);
    assert.equal(again.status, 200, again.text);
    const onMain = await clinician.client.get(path);
    assert.equal(onMain.status, 200, onMain.text);

    const expected = (seq, onChain) => ({ chain: onChain, seq, event_type: 'records.read', outcome: 'allowed', patient_id: patient.user.id });
    assert.deepEqual(eventOfRequest(first.headers.get('x-request-id')), expected(1, chain));
    assert.deepEqual(eventOfRequest(again.headers.get('x-request-id')), expected(2, chain));
    assert.equal(eventOfRequest(onMain.headers.get('x-request-id')).chain, 'main');
  });

  test('audit verify checks every chain', () => {
    const chains = adminQuery('SELECT jsonb_agg(DISTINCT chain) FROM audit_events;');
    assert.ok(chains.includes(chain), JSON.stringify(chains));
    assert.ok(chains.includes('main'), JSON.stringify(chains));
    assertChainIntact();
  });
});
