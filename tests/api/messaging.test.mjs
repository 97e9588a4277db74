// Secure messaging: one thread per patient-clinician pair, sealed under the
// thread's own key. Covers live events, read receipts, attachments,
// notifications without PHI, key rotation and care-team departures.
// Unrelated clinicians get 404 on every thread route, and each denial is
// audited.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { closedWithin, elevate, newStaff, superuserExec } from './support/admin.mjs';
import { assertError } from './support/client.mjs';
import { adminQuery, auditEventsOfRequest, countRows } from './support/database.mjs';
import { bookAppointment } from './support/scheduling.mjs';
import { newClinician, newPatient, randomSuffix } from './support/users.mjs';
import { openWebSocket } from './support/websocket.mjs';

const scriptPayload = '<script>window.__xss=1</script>';
const imagePayload = '<img src=x onerror="window.__xss=1">';
const livePath = '/api/messages/live';

const pngBytes = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('not a whole image, but a PNG signature'),
]);

function attachmentBody(overrides = {}) {
  return {
    filename: 'results.png',
    content_type: 'image/png',
    data: pngBytes.toString('base64'),
    ...overrides,
  };
}

// Opens the live socket of `user` and waits for its "ready" event.
async function openLive(user, openSockets) {
  const answer = await openWebSocket(livePath, { cookie: user.client.cookieHeader() });
  assert.equal(answer.status, 101, answer.text);
  openSockets.push(answer.connection);
  assert.deepEqual(await answer.connection.nextJson(), { type: 'ready' });
  return answer.connection;
}

function singleEvent(requestId) {
  const events = auditEventsOfRequest(requestId);
  assert.equal(events.length, 1, `audit events of the request: ${JSON.stringify(events)}`);
  return events[0];
}

async function openThread(caller, patientId, clinicianId, expectedStatus) {
  const response = await caller.client.post(`/api/patients/${patientId}/threads/${clinicianId}`);
  assert.equal(response.status, expectedStatus, response.text);
  return response.body;
}

describe('secure messaging', () => {
  const marker = `api-message-marker-${randomSuffix(16)}`;
  const openSockets = [];

  let clinician;
  let otherClinician;
  let patient;
  let secondPatient;
  let thread;
  let secondThread;

  before(async () => {
    clinician = await newClinician();
    otherClinician = await newClinician();
    patient = await newPatient();
    secondPatient = await newPatient();
    await bookAppointment(clinician, patient, 3);
    await bookAppointment(clinician, secondPatient, 30);
  });

  after(async () => {
    for (const socket of openSockets) await socket.close().catch(() => {});
  });

  const messagesPath = (id) => `/api/threads/${id}/messages`;

  test('patient opens thread', async () => {
    const response = await patient.client.post(`/api/patients/${patient.user.id}/threads/${clinician.user.id}`);
    assert.equal(response.status, 201, response.text);
    thread = response.body;
    assert.match(thread.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(thread.patient, { id: patient.user.id, display_name: patient.user.displayName });
    assert.deepEqual(thread.clinician, { id: clinician.user.id, display_name: clinician.user.displayName });
    assert.equal(thread.key_version, 1);
    assert.equal(thread.unread, 0);
    assert.equal(thread.can_send, true);
    assert.equal(response.headers.get('cache-control'), 'no-store');

    const event = singleEvent(response.headers.get('x-request-id'));
    assert.equal(event.event_type, 'thread.open');
    assert.equal(event.outcome, 'allowed');
    assert.equal(event.record_id, thread.id);
    assert.equal(event.patient_id, patient.user.id);

    // The clinician's open returns the same thread: one per pair.
    const again = await openThread(clinician, patient.user.id, clinician.user.id, 200);
    assert.equal(again.id, thread.id);
    assert.equal(countRows('message_threads', "patient_id = :'id'", { id: patient.user.id }), 1);

    secondThread = await openThread(clinician, secondPatient.user.id, clinician.user.id, 201);
  });

  test('clinician may not open thread for colleague', async () => {
    const response = await clinician.client.post(
      `/api/patients/${patient.user.id}/threads/${otherClinician.user.id}`,
    );
    assertError(response, 404, 'not_found', 'clinician_id');
    const event = singleEvent(response.body.request_id);
    assert.equal(event.event_type, 'thread.open');
    assert.equal(event.outcome, 'failed');
  });

  test('messages exchanged live', async () => {
    const clinicianLive = await openLive(clinician, openSockets);
    const patientLive = await openLive(patient, openSockets);

    const text = `Is the rash worse in the evening? ${marker}`;
    const sent = await patient.client.post(messagesPath(thread.id), { body: text });
    assert.equal(sent.status, 201, sent.text);
    assert.equal(sent.body.body, text);
    assert.equal(sent.body.sender_id, patient.user.id);
    assert.equal(sent.body.key_version, 1);
    assert.equal(sent.body.read_at, null);
    const sendEvent = singleEvent(sent.headers.get('x-request-id'));
    assert.equal(sendEvent.event_type, 'message.send');
    assert.equal(sendEvent.record_id, sent.body.id);
    assert.equal(sendEvent.outcome, 'allowed');

    // The socket carries ids and counts only, never the text.
    assert.deepEqual(await clinicianLive.nextJson(), {
      type: 'message',
      thread_id: thread.id,
      message_id: sent.body.id,
      sender_id: patient.user.id,
      unread: 1,
    });
    assert.deepEqual(await patientLive.nextJson(), {
      type: 'message',
      thread_id: thread.id,
      message_id: sent.body.id,
      sender_id: patient.user.id,
      unread: 0,
    });

    const list = await clinician.client.get('/api/threads');
    assert.equal(list.status, 200, list.text);
    const listed = list.body.threads.find((item) => item.id === thread.id);
    assert.equal(listed.unread, 1);
    const listEvent = singleEvent(list.headers.get('x-request-id'));
    assert.equal(listEvent.event_type, 'thread.list');
    assert.ok(listEvent.result_ids.split(',').includes(thread.id));

    const page = await clinician.client.get(messagesPath(thread.id));
    assert.equal(page.status, 200, page.text);
    assert.deepEqual(page.body.messages.map((item) => item.body), [text]);
    assert.equal(singleEvent(page.headers.get('x-request-id')).event_type, 'thread.read');

    const read = await clinician.client.post(`/api/threads/${thread.id}/read`, { message_id: sent.body.id });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.unread, 0);
    assert.equal(read.body.message_id, sent.body.id);
    assert.equal(singleEvent(read.headers.get('x-request-id')).event_type, 'message.read_receipt');

    assert.deepEqual(await patientLive.nextJson(), {
      type: 'read',
      thread_id: thread.id,
      reader_id: clinician.user.id,
      message_id: sent.body.id,
      read_at: read.body.read_at,
    });
    assert.equal((await clinicianLive.nextJson()).type, 'read');
    assert.deepEqual(await clinicianLive.nextJson(), { type: 'unread', thread_id: thread.id, unread: 0 });

    // The sender gets the time the other party read it.
    const senderView = await patient.client.get(messagesPath(thread.id));
    assert.equal(senderView.body.messages[0].read_at, read.body.read_at);
  });

  test('notifications carry no PHI', async () => {
    const rows = adminQuery(
      `SELECT coalesce(jsonb_agg(jsonb_build_object('text', text, 'channel', channel)), '[]')
         FROM notification_outbox WHERE recipient_id = :'id';`,
      { id: clinician.user.id },
    );
    assert.deepEqual(rows, [{ text: 'You have a new message', channel: 'email' }]);
    const anyRow = adminQuery(
      `SELECT to_json(count(*)) FROM notification_outbox n
         WHERE n::text LIKE '%' || :'marker' || '%' OR n::text LIKE '%' || :'name' || '%'
            OR n::text LIKE '%' || :'other' || '%';`,
      { marker, name: patient.user.displayName, other: clinician.user.displayName },
    );
    assert.equal(anyRow, 0);
  });

  test('unrelated clinician gets 404', async () => {
    const messagesBefore = countRows('messages', "thread_id = :'id'", { id: thread.id });
    const attachmentId = crypto.randomUUID();
    const attempts = [
      ['thread.open', () => otherClinician.client.post(`/api/patients/${patient.user.id}/threads/${otherClinician.user.id}`)],
      ['thread.read', () => otherClinician.client.get(messagesPath(thread.id))],
      ['message.send', () => otherClinician.client.post(messagesPath(thread.id), { body: 'Hello from elsewhere' })],
      ['message.read_receipt', () => otherClinician.client.post(`/api/threads/${thread.id}/read`, { message_id: thread.id })],
      ['attachment.send', () => otherClinician.client.post(`/api/threads/${thread.id}/attachments`, attachmentBody())],
      ['attachment.read', () => otherClinician.client.get(`/api/threads/${thread.id}/attachments/${attachmentId}`)],
      ['thread.key_rotate', () => otherClinician.client.post(`/api/threads/${thread.id}/key-rotations`)],
    ];
    for (const [eventType, attempt] of attempts) {
      const response = await attempt();
      assertError(response, 404, 'not_found');
      assert.doesNotMatch(response.text, new RegExp(marker));
      const event = singleEvent(response.body.request_id);
      assert.equal(event.event_type, eventType);
      assert.equal(event.outcome, 'denied', eventType);
      assert.equal(event.actor_id, otherClinician.user.id);
      assert.equal(event.actor_role, 'clinician');
      assert.equal(event.patient_id, patient.user.id, eventType);
    }

    // The other patient is refused the same way.
    const outsider = await secondPatient.client.get(messagesPath(thread.id));
    assertError(outsider, 404, 'not_found');
    assert.equal(singleEvent(outsider.body.request_id).outcome, 'denied');

    const list = await otherClinician.client.get('/api/threads');
    assert.deepEqual(list.body, { threads: [], contacts: [] });
    assert.equal(countRows('messages', "thread_id = :'id'", { id: thread.id }), messagesBefore);
  });

  test('hostile text stays data', async () => {
    for (const payload of [scriptPayload, imagePayload]) {
      const sent = await clinician.client.post(messagesPath(thread.id), { body: payload });
      assert.equal(sent.status, 201, sent.text);
      assert.equal(sent.body.body, payload);

      const attached = await clinician.client.post(
        `/api/threads/${thread.id}/attachments`,
        attachmentBody({ filename: `${payload}.png`, body: payload }),
      );
      assert.equal(attached.status, 201, attached.text);
      assert.equal(attached.body.attachment.filename, `${payload}.png`);
      assert.equal(attached.body.body, payload);

      const download = await patient.client.get(`/api/threads/${thread.id}/attachments/${attached.body.attachment.id}`);
      assert.equal(download.status, 200, download.text);
      const disposition = download.headers.get('content-disposition');
      assert.match(disposition, /^attachment; filename="[A-Za-z0-9 ._-]*"; filename\*=UTF-8''[A-Za-z0-9!#$&+\-.^_`|~%]*$/);
      assert.doesNotMatch(disposition, /[<>]/);
    }
    const page = await patient.client.get(`${messagesPath(thread.id)}?limit=4`);
    assert.equal(page.status, 200, page.text);
    const bodies = page.body.messages.map((item) => item.body);
    assert.deepEqual(bodies, [scriptPayload, scriptPayload, imagePayload, imagePayload]);
    assert.deepEqual(
      page.body.messages.filter((item) => item.attachment).map((item) => item.attachment.filename),
      [`${scriptPayload}.png`, `${imagePayload}.png`],
    );
    assert.equal(typeof page.body.next_before, 'number');
    const older = await patient.client.get(`${messagesPath(thread.id)}?before=${page.body.next_before}`);
    assert.equal(older.body.messages.length, 1);
    assert.equal(older.body.next_before, null);
  });

  test('attachment round trip', async () => {
    const text = Buffer.from(`Blood pressure log ${marker}\n`);
    const attached = await patient.client.post(
      `/api/threads/${thread.id}/attachments`,
      attachmentBody({ filename: 'bp log ÄÖ/../x.txt', content_type: 'text/plain', data: text.toString('base64') }),
    );
    assert.equal(attached.status, 201, attached.text);
    assert.equal(attached.body.attachment.size_bytes, text.length);
    assert.equal(singleEvent(attached.headers.get('x-request-id')).event_type, 'attachment.send');

    const download = await clinician.client.get(`/api/threads/${thread.id}/attachments/${attached.body.attachment.id}`);
    assert.equal(download.status, 200);
    assert.equal(download.text, text.toString());
    assert.equal(download.headers.get('content-type'), 'text/plain');
    assert.equal(download.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(download.headers.get('cache-control'), 'no-store');
    assert.equal(
      download.headers.get('content-disposition'),
      `attachment; filename="bp log ___.._x.txt"; filename*=UTF-8''bp%20log%20%C3%84%C3%96_.._x.txt`,
    );
    const event = singleEvent(download.headers.get('x-request-id'));
    assert.equal(event.event_type, 'attachment.read');
    assert.equal(event.record_id, attached.body.attachment.id);
  });

  test('bad input names field', async () => {
    const before = countRows('messages', "thread_id = :'id'", { id: thread.id });
    const cases = [
      [{ body: ' \n ' }, 'messages', 422, 'invalid_field', 'body'],
      [{ body: 'x'.repeat(5001) }, 'messages', 422, 'invalid_field', 'body'],
      [{}, 'messages', 400, 'invalid_field', 'body'],
      [attachmentBody({ content_type: 'text/html' }), 'attachments', 422, 'invalid_field', 'content_type'],
      [attachmentBody({ content_type: 'application/pdf' }), 'attachments', 422, 'invalid_field', 'data'],
      [attachmentBody({ data: 'not base64!' }), 'attachments', 400, 'invalid_field', 'data'],
      [attachmentBody({ filename: '  ' }), 'attachments', 422, 'invalid_field', 'filename'],
      [attachmentBody({ filename: 'a\u0007b.png' }), 'attachments', 422, 'invalid_field', 'filename'],
      [
        attachmentBody({ data: Buffer.concat([pngBytes, Buffer.alloc(5 * 1024 * 1024)]).toString('base64') }),
        'attachments',
        422,
        'invalid_field',
        'data',
      ],
    ];
    for (const [body, route, status, code, field] of cases) {
      const response = await patient.client.post(`/api/threads/${thread.id}/${route}`, body);
      assertError(response, status, code, field);
      assert.doesNotMatch(response.body.error.message, /window\.__xss/);
    }
    assert.equal(countRows('messages', "thread_id = :'id'", { id: thread.id }), before);
  });

  test('moved ciphertext fails closed', async () => {
    const secret = `Only for the first thread ${marker}`;
    const original = await patient.client.post(messagesPath(thread.id), { body: secret });
    assert.equal(original.status, 201, original.text);

    // As the database superuser, copy the sealed body into a new row of the
    // other thread (same key version), and into a new row of the same thread.
    const movedId = crypto.randomUUID();
    const copiedId = crypto.randomUUID();
    superuserExec(
      `INSERT INTO messages (id, thread_id, sender_id, key_version, body_sealed)
         SELECT :'moved', :'other', :'sender', key_version, body_sealed FROM messages WHERE id = :'source';
       INSERT INTO messages (id, thread_id, sender_id, key_version, body_sealed)
         SELECT :'copied', thread_id, sender_id, key_version, body_sealed FROM messages WHERE id = :'source';`,
      { moved: movedId, copied: copiedId, other: secondThread.id, sender: secondPatient.user.id, source: original.body.id },
    );

    for (const [reader, threadId, rowId] of [
      [secondPatient, secondThread.id, movedId],
      [clinician, thread.id, copiedId],
    ]) {
      const page = await reader.client.get(messagesPath(threadId));
      assert.equal(page.status, 200, page.text);
      const row = page.body.messages.find((item) => item.id === rowId);
      assert.equal(row.unreadable, true);
      assert.equal(row.body, null);
      assert.doesNotMatch(JSON.stringify(row), new RegExp(marker));
    }
    const otherThread = await secondPatient.client.get(messagesPath(secondThread.id));
    assert.doesNotMatch(otherThread.text, new RegExp(marker));

    // The original still opens where it belongs.
    const home = await clinician.client.get(messagesPath(thread.id));
    assert.equal(home.body.messages.find((item) => item.id === original.body.id).body, secret);

    // A sealed attachment moved the same way is refused whole: 500, generic.
    const source = await patient.client.post(`/api/threads/${thread.id}/attachments`, attachmentBody());
    assert.equal(source.status, 201, source.text);
    const movedAttachment = crypto.randomUUID();
    superuserExec(
      `INSERT INTO message_attachments (id, message_id, thread_id, key_version, content_type, size_bytes,
                                        filename_sealed, content_sealed)
         SELECT :'moved', :'message', :'other', key_version, content_type, size_bytes, filename_sealed, content_sealed
           FROM message_attachments WHERE id = :'source';`,
      { moved: movedAttachment, message: movedId, other: secondThread.id, source: source.body.attachment.id },
    );
    const download = await secondPatient.client.get(`/api/threads/${secondThread.id}/attachments/${movedAttachment}`);
    assertError(download, 500, 'internal');
    assert.equal(download.body.error.message, 'internal error; quote the request id to the operator');
  });

  test('plaintext absent from database', () => {
    for (const [table, column] of [
      ['messages', 'body_sealed'],
      ['message_attachments', 'content_sealed'],
      ['message_attachments', 'filename_sealed'],
    ]) {
      const found = adminQuery(
        `SELECT json_build_object(
                  'row_text', (SELECT count(*) FROM ${table} t WHERE t::text LIKE '%' || :'marker' || '%'),
                  'sealed_bytes', (SELECT count(*) FROM ${table}
                                    WHERE position(convert_to(:'marker', 'UTF8') IN ${column}) > 0));`,
        { marker },
      );
      assert.deepEqual(found, { row_text: 0, sealed_bytes: 0 }, `${marker} found in ${table}`);
    }
  });

  test('key rotation keeps history', async () => {
    const first = await clinician.client.post(messagesPath(secondThread.id), { body: 'Before rotation' });
    assert.equal(first.body.key_version, 1);
    const rotated = await secondPatient.client.post(`/api/threads/${secondThread.id}/key-rotations`);
    assert.equal(rotated.status, 201, rotated.text);
    assert.deepEqual(rotated.body, { thread_id: secondThread.id, key_version: 2 });
    assert.equal(singleEvent(rotated.headers.get('x-request-id')).event_type, 'thread.key_rotate');

    const second = await clinician.client.post(messagesPath(secondThread.id), { body: 'After rotation' });
    assert.equal(second.body.key_version, 2);
    const page = await secondPatient.client.get(messagesPath(secondThread.id));
    const byId = Object.fromEntries(page.body.messages.map((item) => [item.id, item]));
    assert.equal(byId[first.body.id].body, 'Before rotation');
    assert.equal(byId[first.body.id].key_version, 1);
    assert.equal(byId[second.body.id].body, 'After rotation');
    assert.equal(page.body.thread.key_version, 2);
    assert.equal(countRows('message_thread_keys', "thread_id = :'id'", { id: secondThread.id }), 2);
  });

  test('application role cannot rewrite messages', () => {
    const result = adminQuery(
      `SELECT json_build_object(
                'update', has_table_privilege('telehealth_app', 'messages', 'UPDATE'),
                'delete', has_table_privilege('telehealth_app', 'messages', 'DELETE'),
                'keys', has_table_privilege('telehealth_app', 'message_thread_keys', 'UPDATE'));`,
    );
    assert.deepEqual(result, { update: false, delete: false, keys: false });
  });

  test('live socket checks role and origin', async () => {
    const foreign = await openWebSocket(livePath, {
      origin: 'https://attacker.example',
      cookie: patient.client.cookieHeader(),
    });
    assert.equal(foreign.connection, undefined, 'the upgrade was accepted');
    assert.equal(foreign.status, 403, foreign.text);
    assert.equal(foreign.body.error.code, 'bad_origin');

    const admin = await newStaff('admin');
    const refused = await openWebSocket(livePath, { cookie: admin.client.cookieHeader() });
    assert.equal(refused.status, 403, refused.text);
    const event = singleEvent(refused.headers['x-request-id']);
    assert.equal(event.event_type, 'access.role_denied');
    assert.equal(event.outcome, 'denied');
  });

  test('sign-out closes live socket', async () => {
    const leaving = await newPatient();
    const socket = await openLive(leaving, openSockets);
    const signedOut = await leaving.client.post('/api/auth/logout');
    assert.equal(signedOut.status, 204, signedOut.text);
    // Well inside the 5 s session recheck: the sign-out itself closes it.
    assert.equal(await closedWithin(socket, 2000), 'closed');
  });
});

describe('care-team departure', () => {
  let clinician;
  let patient;
  let admin;
  let thread;

  before(async () => {
    clinician = await newClinician();
    patient = await newPatient();
    admin = await newStaff('admin');
    await bookAppointment(clinician, patient, 3);
    thread = await openThread(patient, patient.user.id, clinician.user.id, 201);
    const sent = await clinician.client.post(`/api/threads/${thread.id}/messages`, { body: 'Before leaving' });
    assert.equal(sent.status, 201, sent.text);
  });

  test('departure needs elevation', async () => {
    const response = await admin.client.post('/api/admin/care-team-departures', {
      patient_id: patient.user.id,
      clinician_id: clinician.user.id,
    });
    assertError(response, 403, 'elevation_required');
  });

  test('departed clinician loses thread and records', async () => {
    await elevate(admin);
    const response = await admin.client.post('/api/admin/care-team-departures', {
      patient_id: patient.user.id,
      clinician_id: clinician.user.id,
    });
    assert.equal(response.status, 201, response.text);
    assert.equal(response.body.thread_id, thread.id);
    assert.equal(response.body.thread_key_version, 2);
    const events = auditEventsOfRequest(response.headers.get('x-request-id'));
    assert.deepEqual(
      events.map((event) => `${event.event_type}:${event.outcome}:${event.patient_id}`),
      [`admin.care_team_departure:allowed:${patient.user.id}`, `thread.key_rotate:allowed:${patient.user.id}`],
    );

    const messages = await clinician.client.get(`/api/threads/${thread.id}/messages`);
    assertError(messages, 404, 'not_found');
    const denied = singleEvent(messages.body.request_id);
    assert.equal(denied.event_type, 'thread.read');
    assert.equal(denied.outcome, 'denied');

    const records = await clinician.client.get(`/api/patients/${patient.user.id}/records`);
    assertError(records, 404, 'not_found');
    assert.equal(singleEvent(records.body.request_id).outcome, 'denied');

    const list = await clinician.client.get('/api/threads');
    assert.deepEqual(list.body, { threads: [], contacts: [] });

    // The patient keeps the history, read-only.
    const patientView = await patient.client.get(`/api/threads/${thread.id}/messages`);
    assert.equal(patientView.status, 200, patientView.text);
    assert.equal(patientView.body.thread.can_send, false);
    assert.deepEqual(patientView.body.messages.map((item) => item.body), ['Before leaving']);
    const blocked = await patient.client.post(`/api/threads/${thread.id}/messages`, { body: 'Are you there?' });
    assertError(blocked, 409, 'conflict');

    const again = await admin.client.post('/api/admin/care-team-departures', {
      patient_id: patient.user.id,
      clinician_id: clinician.user.id,
    });
    assertError(again, 409, 'conflict', 'clinician_id');
  });

  // A live socket opened before the departure stays open until the session
  // ends, but it must carry nothing more about the thread.
  test('departed clinician gets no live events', async () => {
    const leaving = await newClinician();
    const sockets = [];
    await bookAppointment(leaving, patient, 40);
    const ownThread = await openThread(patient, patient.user.id, leaving.user.id, 201);
    const sent = await leaving.client.post(`/api/threads/${ownThread.id}/messages`, { body: 'Last words' });
    assert.equal(sent.status, 201, sent.text);
    const live = await openLive(leaving, sockets);

    const departure = await admin.client.post('/api/admin/care-team-departures', {
      patient_id: patient.user.id,
      clinician_id: leaving.user.id,
    });
    assert.equal(departure.status, 201, departure.text);
    const read = await patient.client.post(`/api/threads/${ownThread.id}/read`, { message_id: sent.body.id });
    assert.equal(read.status, 200, read.text);

    await assert.rejects(live.nextJson(1500), /no WebSocket message within|closed/);
    for (const socket of sockets) await socket.close();
  });
});
