// The auditor's review of the audit log (filters, keyset pages, flagged
// events first, CSV and JSON export) and the patient's access report. Each
// expectation is read from audit_events as the superuser just before the
// call, so the checks hold however many events other suites wrote.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, test } from 'node:test';

import { newStaff, superuserExec } from './support/admin.mjs';
import { ApiClient, assertError } from './support/client.mjs';
import { adminQuery } from './support/database.mjs';
import { bookAppointment } from './support/scheduling.mjs';
import { createUser, newPatient, randomSuffix } from './support/users.mjs';

const recordsPath = (patientId) => `/api/patients/${patientId}/records`;
const reportPath = (patientId) => `/api/patients/${patientId}/access-report`;

// Parses CSV text with Python's csv module (strict RFC 4180 quoting), an
// independent parser, and returns the rows as arrays of strings.
function parseCsv(text) {
  const script = [
    'import csv, io, json, sys',
    "data = sys.stdin.buffer.read().decode('utf-8')",
    "print(json.dumps(list(csv.reader(io.StringIO(data, newline=''), strict=True))))",
  ].join('\n');
  const result = spawnSync('python3', ['-c', script], { input: text, encoding: 'utf8' });
  assert.equal(result.status, 0, `python3 csv failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

function query(filters) {
  return new URLSearchParams(filters).toString();
}

// The ids of the events of `where` in review order: flagged first, then
// newest first by (occurred_at, chain, seq).
function expectedReviewIds(where, variables) {
  return adminQuery(
    `SELECT coalesce(json_agg(id ORDER BY flagged DESC, occurred_at DESC, chain DESC, seq DESC), '[]')
       FROM (SELECT id, chain, seq, occurred_at,
                    (break_glass_id IS NOT NULL OR outcome = 'denied') AS flagged
               FROM audit_events WHERE ${where}) e;`,
    variables,
  );
}

// The audit events a request wrote, with the fields the review's own events set.
function reviewEventsOfRequest(requestId) {
  return adminQuery(
    `SELECT coalesce(json_agg(e ORDER BY e.seq), '[]')
       FROM (SELECT seq, event_type, actor_id, actor_role, patient_id, record_type, record_id,
                    outcome, result_ids
               FROM audit_events WHERE request_id = :'request_id') e;`,
    { request_id: requestId },
  );
}

describe('audit review', () => {
  let auditor;
  let patient;
  let treating;
  let unrelated;
  let emergency;
  let episode;
  let hostile;
  const hostileAgents = ['=HYPERLINK("http://evil.invalid","open")', '+SUM(1,2)', '-2+3', '@SUM(A1)'];

  before(async () => {
    auditor = await newStaff('auditor');
    patient = await newPatient();
    treating = await newStaff('clinician');
    unrelated = await newStaff('clinician');
    emergency = await newStaff('clinician');
    await bookAppointment(treating, patient, 30);

    // One allowed read by the treating clinician, one by the patient, one
    // denied read (flagged) and one break-glass read (flagged).
    assert.equal((await treating.client.get(recordsPath(patient.user.id))).status, 200);
    assert.equal((await patient.client.get(recordsPath(patient.user.id))).status, 200);
    assert.equal((await unrelated.client.get(recordsPath(patient.user.id))).status, 404);
    const started = await emergency.client.post('/api/break-glass/episodes', {
      patient_id: patient.user.id,
      reason: 'emergency_treatment',
      justification: `Collapsed in the car park, needs medication history ${randomSuffix(8)}`,
    });
    assert.equal(started.status, 201, started.text);
    episode = started.body;
    assert.equal((await emergency.client.get(recordsPath(patient.user.id))).status, 200);

    // Sign-ins whose User-Agent a spreadsheet would run as a formula.
    hostile = createUser('patient');
    for (const agent of hostileAgents) {
      const client = new ApiClient('hostile');
      const response = await client.post(
        '/api/auth/login',
        { email: hostile.email, password: hostile.password },
        { headers: { 'User-Agent': agent } },
      );
      assert.equal(response.status, 200, response.text);
    }
  });

  const review = (filters) => auditor.client.get(`/api/audit/events?${query(filters)}`);

  test('patient filter lists flagged events first', async () => {
    const expected = expectedReviewIds("patient_id = :'p' AND event_type LIKE 'records.%'", { p: patient.user.id });
    assert.equal(expected.length, 4);
    const response = await review({ patient_id: patient.user.id, event_type: 'records.', limit: 200 });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body.events.map((event) => event.id), expected);
    assert.equal(response.body.next, null);
    assert.deepEqual(response.body.events.map((event) => event.flagged), [true, true, false, false]);
    assert.deepEqual(
      response.body.events.slice(0, 2).map((event) => event.flag_reasons).sort(),
      [['break_glass'], ['denied']],
    );
  });

  test('rows carry every field', async () => {
    const response = await review({ patient_id: patient.user.id, actor_id: emergency.user.id, event_type: 'records.read' });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.events.length, 1);
    const row = response.body.events[0];
    const stored = adminQuery(
      `SELECT to_json(e) FROM (SELECT chain, seq, id, occurred_at, request_id, client_ip, user_agent
                                 FROM audit_events WHERE id = :'id') e;`,
      { id: row.id },
    );
    assert.deepEqual(Object.keys(row).sort(), [
      'actor_display_name', 'actor_id', 'actor_role', 'break_glass_id', 'chain', 'client_ip', 'event_type',
      'flag_reasons', 'flagged', 'id', 'occurred_at', 'outcome', 'patient_id', 'record_id', 'record_type',
      'request_id', 'result_ids', 'seq', 'user_agent',
    ]);
    assert.equal(row.chain, stored.chain);
    assert.equal(row.seq, stored.seq);
    assert.equal(new Date(row.occurred_at).getTime(), new Date(stored.occurred_at).getTime());
    assert.match(row.occurred_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(row.event_type, 'records.read');
    assert.equal(row.actor_id, emergency.user.id);
    assert.equal(row.actor_role, 'clinician');
    assert.equal(row.actor_display_name, emergency.user.displayName);
    assert.equal(row.patient_id, patient.user.id);
    assert.equal(row.record_type, 'records');
    assert.equal(row.record_id, null);
    assert.equal(row.outcome, 'allowed');
    assert.equal(row.client_ip, stored.client_ip);
    assert.equal(row.user_agent, stored.user_agent);
    assert.equal(row.request_id, stored.request_id);
    assert.equal(row.break_glass_id, episode.id);
    assert.equal(row.result_ids, null);
    assert.equal(row.flagged, true);
  });

  test('filters by actor, type, outcome and time', async () => {
    const denied = await review({ patient_id: patient.user.id, outcome: 'denied' });
    assert.deepEqual(
      denied.body.events.map((event) => [event.actor_id, event.event_type, event.outcome]),
      [[unrelated.user.id, 'records.read', 'denied']],
    );

    const prefix = await review({ actor_id: hostile.id, event_type: 'auth.' });
    const exact = await review({ actor_id: hostile.id, event_type: 'auth.login' });
    const expected = expectedReviewIds("actor_id = :'a' AND event_type = 'auth.login'", { a: hostile.id });
    assert.equal(expected.length, hostileAgents.length);
    assert.deepEqual(exact.body.events.map((event) => event.id), expected);
    assert.deepEqual(prefix.body.events.map((event) => event.id), expectedReviewIds("actor_id = :'a' AND event_type LIKE 'auth.%'", { a: hostile.id }));
    assert.ok(prefix.body.events.every((event) => event.event_type.startsWith('auth.')));

    const { first, last } = adminQuery(
      `SELECT json_build_object('first', min(occurred_at), 'last', max(occurred_at))
         FROM audit_events WHERE patient_id = :'p' AND event_type = 'records.read';`,
      { p: patient.user.id },
    );
    const base = { patient_id: patient.user.id, event_type: 'records.read' };
    const earlier = await review({ ...base, to: new Date(first).toISOString() });
    assert.deepEqual(earlier.body.events, []);
    const within = await review({
      ...base,
      from: new Date(first).toISOString(),
      to: new Date(new Date(last).getTime() + 1000).toISOString(),
    });
    assert.equal(within.body.events.length, 4);
    const later = await review({ ...base, from: new Date(new Date(last).getTime() + 1000).toISOString() });
    assert.deepEqual(later.body.events, []);

    const onlyFlagged = await review({ patient_id: patient.user.id, flagged: 'true' });
    assert.ok(onlyFlagged.body.events.length >= 2);
    assert.ok(onlyFlagged.body.events.every((event) => event.flagged));
    const unflagged = await review({ patient_id: patient.user.id, event_type: 'records.', flagged: 'false' });
    assert.equal(unflagged.body.events.length, 2);
    assert.ok(unflagged.body.events.every((event) => !event.flagged));
  });

  test('keyset pages cover every event once', async () => {
    const filters = { patient_id: patient.user.id, event_type: 'records.' };
    const expected = expectedReviewIds("patient_id = :'p' AND event_type LIKE 'records.%'", { p: patient.user.id });
    for (const limit of [1, 2, 3]) {
      const seen = [];
      let cursor;
      for (let pages = 0; pages < 10; pages++) {
        const response = await review({ ...filters, limit, ...(cursor ? { cursor } : {}) });
        assert.equal(response.status, 200, response.text);
        assert.ok(response.body.events.length <= limit);
        seen.push(...response.body.events.map((event) => event.id));
        cursor = response.body.next;
        if (cursor === null) break;
      }
      assert.equal(cursor, null, `paging with limit ${limit} did not end`);
      assert.deepEqual(seen, expected, `pages of ${limit}`);
    }
  });

  test('bad filters name the field', async () => {
    const cases = [
      [{ patient_id: 'nobody' }, 'patient_id'],
      [{ actor_id: '12' }, 'actor_id'],
      [{ event_type: 'Records.Read' }, 'event_type'],
      [{ event_type: 'records.*' }, 'event_type'],
      [{ outcome: 'maybe' }, 'outcome'],
      [{ from: 'yesterday' }, 'from'],
      [{ to: '2026-13-01T00:00:00Z' }, 'to'],
      [{ from: '2026-12-04T10:00:00Z', to: '2026-12-04T09:00:00Z' }, 'to'],
      [{ flagged: 'yes' }, 'flagged'],
      [{ limit: '0' }, 'limit'],
      [{ limit: '201' }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ cursor: 'x.1.main.1' }, 'cursor'],
      [{ patient: patient.user.id }, 'patient'],
    ];
    for (const [filters, field] of cases) {
      assertError(await review(filters), 400, 'invalid_field', field);
    }
    const repeated = await auditor.client.get('/api/audit/events?outcome=denied&outcome=allowed');
    assertError(repeated, 400, 'invalid_field', 'outcome');
    const noFormat = await auditor.client.get('/api/audit/events/export');
    assertError(noFormat, 400, 'invalid_field', 'format');
    const xml = await auditor.client.get('/api/audit/events/export?format=xml');
    assertError(xml, 400, 'invalid_field', 'format');
  });

  test('other roles are refused', async () => {
    const admin = await newStaff('admin');
    for (const caller of [patient, treating, admin]) {
      for (const path of ['/api/audit/events', '/api/audit/events/export?format=csv']) {
        const response = await caller.client.get(path);
        assertError(response, 403, 'forbidden');
        const events = reviewEventsOfRequest(response.body.request_id);
        assert.deepEqual(events.map((event) => [event.event_type, event.outcome, event.actor_id]), [
          ['access.role_denied', 'denied', caller.user.id],
        ]);
      }
    }
  });

  test('review writes its own event', async () => {
    const response = await review({ patient_id: patient.user.id, event_type: 'records.' });
    assert.equal(response.status, 200, response.text);
    const events = reviewEventsOfRequest(response.headers.get('x-request-id'));
    assert.deepEqual(events.map(({ seq, ...event }) => event), [
      {
        event_type: 'audit.search',
        actor_id: auditor.user.id,
        actor_role: 'auditor',
        patient_id: patient.user.id,
        record_type: 'audit_events',
        record_id: null,
        outcome: 'allowed',
        result_ids: response.body.events.map((event) => event.id).join(','),
      },
    ]);

    // A search without a patient records none, and an empty result records
    // an empty id list.
    const empty = await review({ actor_id: hostile.id, event_type: 'records.read' });
    assert.deepEqual(empty.body.events, []);
    const [emptyEvent] = reviewEventsOfRequest(empty.headers.get('x-request-id'));
    assert.equal(emptyEvent.patient_id, null);
    assert.equal(emptyEvent.result_ids, '');
  });

  test('CSV export parses and neutralises formulas', async () => {
    const filters = { actor_id: hostile.id, event_type: 'auth.login' };
    const expected = expectedReviewIds("actor_id = :'a' AND event_type = 'auth.login'", { a: hostile.id });
    const response = await auditor.client.get(`/api/audit/events/export?${query({ ...filters, format: 'csv' })}`);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(response.headers.get('content-disposition'), /^attachment; filename="audit-events-\d{8}T\d{6}Z\.csv"$/);
    assert.equal(response.headers.get('x-next-cursor'), null);
    assert.ok(response.text.endsWith('\r\n'));

    const [header, ...rows] = parseCsv(response.text);
    assert.deepEqual(header, [
      'chain', 'seq', 'id', 'occurred_at', 'event_type', 'actor_id', 'actor_role', 'actor_display_name',
      'patient_id', 'record_type', 'record_id', 'outcome', 'client_ip', 'user_agent', 'request_id',
      'break_glass_id', 'result_ids', 'flagged', 'flag_reasons',
    ]);
    const column = (name) => header.indexOf(name);
    assert.deepEqual(rows.map((row) => row[column('id')]), expected);
    const agents = rows.map((row) => row[column('user_agent')]).sort();
    assert.deepEqual(agents, hostileAgents.map((agent) => `'${agent}`).sort());
    for (const row of rows) {
      assert.equal(row.length, header.length);
      assert.equal(row[column('actor_display_name')], hostile.displayName);
      assert.equal(row[column('outcome')], 'allowed');
      assert.equal(row[column('flagged')], 'false');
      assert.equal(row[column('patient_id')], '');
      // No cell starts a formula in a spreadsheet.
      for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);
    }

    const events = reviewEventsOfRequest(response.headers.get('x-request-id'));
    assert.deepEqual(events.map((event) => [event.event_type, event.record_type, event.record_id, event.result_ids]), [
      ['audit.export', 'audit_events', 'csv', expected.join(',')],
    ]);
  });

  test('JSON export matches the review', async () => {
    const filters = { patient_id: patient.user.id, event_type: 'records.' };
    const expected = expectedReviewIds("patient_id = :'p' AND event_type LIKE 'records.%'", { p: patient.user.id });
    const response = await auditor.client.get(`/api/audit/events/export?${query({ ...filters, format: 'json' })}`);
    assert.equal(response.status, 200, response.text);
    assert.match(response.headers.get('content-disposition'), /^attachment; filename="audit-events-\d{8}T\d{6}Z\.json"$/);
    assert.equal(response.body.count, expected.length);
    assert.equal(response.body.next, null);
    assert.match(response.body.exported_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(response.body.events.map((event) => event.id), expected);
    const listed = await review({ ...filters, limit: 200 });
    assert.deepEqual(response.body.events, listed.body.events);

    const [event] = reviewEventsOfRequest(response.headers.get('x-request-id'));
    assert.equal(event.event_type, 'audit.export');
    assert.equal(event.record_id, 'json');
    assert.equal(event.patient_id, patient.user.id);
    assert.equal(event.result_ids, expected.join(','));
  });

  test('review fails closed without its event', async () => {
    const eventsBefore = adminQuery("SELECT to_json(count(*)) FROM audit_events WHERE actor_id = :'a';", { a: auditor.user.id });
    superuserExec('REVOKE INSERT ON audit_events FROM telehealth_app;');
    try {
      const listed = await review({ patient_id: patient.user.id });
      assertError(listed, 503, 'unavailable');
      assert.equal(listed.body.events, undefined);
      const exported = await auditor.client.get(`/api/audit/events/export?${query({ patient_id: patient.user.id, format: 'csv' })}`);
      assertError(exported, 503, 'unavailable');
      assert.doesNotMatch(exported.text, /chain,seq,id/);
      assertError(await patient.client.get(reportPath(patient.user.id)), 503, 'unavailable');
    } finally {
      superuserExec('GRANT INSERT ON audit_events TO telehealth_app;');
    }
    const eventsAfter = adminQuery("SELECT to_json(count(*)) FROM audit_events WHERE actor_id = :'a';", { a: auditor.user.id });
    assert.equal(eventsAfter, eventsBefore);
  });

  describe('access report', () => {
    // Allowed events about the patient by anyone else, newest first.
    function expectedReportIds() {
      return adminQuery(
        `SELECT coalesce(json_agg(id ORDER BY occurred_at DESC, chain DESC, seq DESC), '[]')
           FROM audit_events
          WHERE patient_id = :'p' AND outcome = 'allowed' AND actor_id IS DISTINCT FROM :'p'::uuid;`,
        { p: patient.user.id },
      );
    }

    test('lists who accessed the record and why', async () => {
      const expected = expectedReportIds();
      const response = await patient.client.get(`${reportPath(patient.user.id)}?limit=100`);
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.body.entries.map((entry) => entry.id), expected);
      assert.equal(response.body.next, null);

      const byId = new Map(response.body.entries.map((entry) => [entry.event_type + ' ' + entry.who.display_name, entry]));
      const treatingRead = byId.get(`records.read ${treating.user.displayName}`);
      assert.deepEqual(
        { ...treatingRead, id: undefined, occurred_at: undefined },
        {
          id: undefined,
          occurred_at: undefined,
          who: { display_name: treating.user.displayName, role: 'clinician' },
          clinic: 'Telehealth clinic',
          action: 'Viewed your records',
          reason: 'Your clinician: you have an appointment with them',
          emergency: false,
          event_type: 'records.read',
        },
      );
      const emergencyRead = byId.get(`records.read ${emergency.user.displayName}`);
      assert.equal(emergencyRead.emergency, true);
      assert.equal(emergencyRead.reason, 'Emergency (break-glass) access: emergency treatment');
      assert.equal(byId.get(`break_glass.start ${emergency.user.displayName}`).action,
        'Started emergency (break-glass) access to your record');
      assert.equal(byId.get(`audit.search ${auditor.user.displayName}`).action, 'Searched the access log of your record');
      assert.equal(byId.get(`audit.search ${auditor.user.displayName}`).who.role, 'auditor');

      // Neither the patient's own reads nor the denied attempt are listed.
      assert.ok(response.body.entries.every((entry) => entry.who.display_name !== patient.user.displayName));
      assert.ok(response.body.entries.every((entry) => entry.who.display_name !== unrelated.user.displayName));

      const [event] = reviewEventsOfRequest(response.headers.get('x-request-id'));
      assert.deepEqual([event.event_type, event.actor_id, event.patient_id, event.outcome, event.record_type], [
        'access_report.read', patient.user.id, patient.user.id, 'allowed', 'access_report',
      ]);
    });

    test('pages through the report', async () => {
      const expected = expectedReportIds();
      const seen = [];
      let cursor;
      for (let pages = 0; pages < 50; pages++) {
        const response = await patient.client.get(`${reportPath(patient.user.id)}?${query({ limit: 2, ...(cursor ? { cursor } : {}) })}`);
        assert.equal(response.status, 200, response.text);
        seen.push(...response.body.entries.map((entry) => entry.id));
        cursor = response.body.next;
        if (cursor === null) break;
      }
      assert.deepEqual(seen, expected);
      assertError(await patient.client.get(`${reportPath(patient.user.id)}?limit=101`), 400, 'invalid_field', 'limit');
      assertError(await patient.client.get(`${reportPath(patient.user.id)}?cursor=nonsense`), 400, 'invalid_field', 'cursor');
    });

    test('only the patient may read it', async () => {
      const other = await newPatient();
      const response = await other.client.get(reportPath(patient.user.id));
      assertError(response, 404, 'not_found');
      assert.deepEqual(reviewEventsOfRequest(response.body.request_id).map((event) => [event.event_type, event.outcome, event.patient_id]), [
        ['access_report.read', 'denied', patient.user.id],
      ]);
      for (const caller of [treating, auditor]) {
        assertError(await caller.client.get(reportPath(patient.user.id)), 403, 'forbidden');
      }
    });
  });
});
