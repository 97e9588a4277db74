// The audit log is append-only for the application's database role, and
// `telehealth audit verify` detects a changed or removed event. The tamper
// tests change the real chain as the superuser and always restore it, so the
// suites that run after them see an intact chain.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { assertChainIntact, auditVerify } from './support/audit.mjs';
import { adminQuery, countRows, runPsql } from './support/database.mjs';
import { appDsn, adminDsn } from './support/env.mjs';
import { assertError } from './support/client.mjs';
import { bookAppointment } from './support/scheduling.mjs';
import { newClinician, newPatient } from './support/users.mjs';


function assertChainNamesSeq(seq) {
  const { status, output } = auditVerify();
  assert.notEqual(status, 0, `audit verify did not notice the change: ${output}`);
  assert.match(output, new RegExp(`seq ${seq}\\b`), output);
}

// Runs SQL as the superuser with the append-only trigger disabled, which is
// how someone with database access could bypass it. The trigger fires in
// replica mode too, so it takes an ALTER TABLE, in one transaction with the
// change so that the trigger is back on whatever happens.
function asSuperuserWithoutTriggers(sql, variables) {
  const script = [
    'BEGIN;',
    'ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete;',
    sql,
    'ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_update_delete;',
    'COMMIT;',
  ].join('\n');
  const { status, stderr } = runPsql(adminDsn, script, variables);
  assert.equal(status, 0, `psql as superuser failed: ${stderr}`);
}

// Returns a seq from the middle of the chain: neither the first nor the last
// event, so removing it leaves a gap that verify must report.
function middleSeq() {
  const { first, last } = adminQuery('SELECT json_build_object(\'first\', min(seq), \'last\', max(seq)) FROM audit_events;');
  assert.ok(last - first >= 2, `the chain is too short to tamper with its middle (${first}..${last})`);
  return Math.floor((first + last) / 2);
}

function runPsqlOrFail(dsn, sql) {
  const { status, stderr } = runPsql(dsn, sql);
  assert.equal(status, 0, `psql failed: ${sql}\n${stderr}`);
}

function countEncounters(patientId) {
  return countRows('encounters', "patient_id = :'id'", { id: patientId });
}

describe('audit log', { concurrency: 1 }, () => {
  before(async () => {
    // A few events, so that seq 1 exists and the chain has a middle.
    for (let i = 0; i < 3; i++) await newPatient();
  });

  const appRoleAttempts = [
    ['app role cannot update events', "UPDATE audit_events SET outcome = 'denied' WHERE seq = 1;"],
    ['app role cannot delete events', 'DELETE FROM audit_events WHERE seq = 1;'],
    ['app role cannot truncate events', 'TRUNCATE audit_events;'],
  ];
  for (const [name, sql] of appRoleAttempts) {
    test(name, () => {
      const { status, stderr } = runPsql(appDsn, sql);
      assert.notEqual(status, 0, `psql as the app role succeeded: ${sql}`);
      assert.match(stderr, /permission denied|append-only/, stderr);
    });
  }

  test('audit verify reports OK', () => {
    assertChainIntact();
  });

  test('unwritable audit log fails closed', async () => {
    const clinician = await newClinician();
    const patient = await newPatient();
    const appointment = await bookAppointment(clinician, patient, 3);
    const recordsPath = `/api/patients/${patient.user.id}/records`;
    const encountersBefore = countEncounters(patient.user.id);

    runPsqlOrFail(adminDsn, 'REVOKE INSERT ON audit_events FROM telehealth_app;');
    try {
      const read = await patient.client.get(recordsPath);
      assertError(read, 503, 'unavailable');
      assert.equal(read.body.encounters, undefined, 'no record data may be returned');

      const write = await clinician.client.post(`/api/patients/${patient.user.id}/encounters`, {
        appointment_id: appointment.id,
        note: 'Written while the audit log is unwritable.',
      });
      assertError(write, 503, 'unavailable');
      assert.equal(countEncounters(patient.user.id), encountersBefore, 'no encounter may be written');
    } finally {
      runPsqlOrFail(adminDsn, 'GRANT INSERT ON audit_events TO telehealth_app;');
    }

    const after = await patient.client.get(recordsPath);
    assert.equal(after.status, 200, after.text);
  });

  test('changed event detected', () => {
    const seq = middleSeq();
    const original = adminQuery('SELECT to_json(client_ip) FROM audit_events WHERE seq = :seq;', { seq });
    assert.notEqual(original, '203.0.113.9');
    try {
      asSuperuserWithoutTriggers("UPDATE audit_events SET client_ip = '203.0.113.9' WHERE seq = :seq;", { seq });
      assertChainNamesSeq(seq);
    } finally {
      asSuperuserWithoutTriggers('UPDATE audit_events SET client_ip = :\'original\' WHERE seq = :seq;', {
        seq,
        original,
      });
    }
    assertChainIntact();
  });

  test('removed event detected', () => {
    const seq = middleSeq();
    const saved = adminQuery('SELECT row_to_json(a) FROM audit_events a WHERE seq = :seq;', { seq });
    assert.equal(saved.seq, seq);
    try {
      asSuperuserWithoutTriggers('DELETE FROM audit_events WHERE seq = :seq;', { seq });
      assertChainNamesSeq(seq);
    } finally {
      asSuperuserWithoutTriggers(
        `INSERT INTO audit_events
           SELECT * FROM json_populate_record(NULL::audit_events, :'row'::json)
           ON CONFLICT DO NOTHING;`,
        { row: JSON.stringify(saved) },
      );
    }
    assertChainIntact();
  });
});
