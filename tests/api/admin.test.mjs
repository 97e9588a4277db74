// Admin functions: the elevated admin session, invitations, deactivation
// (which ends sessions and open signaling sockets), MFA reset, role changes,
// the last-admin guard, the audit event of every action, and 403 for every
// other role.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  closedWithin,
  elevate,
  newStaff,
  nextStepCode,
  sessionCount,
  superuserExec,
  tokenHash,
} from './support/admin.mjs';
import { ApiClient, assertError } from './support/client.mjs';
import { adminQuery, auditEventsOfRequest } from './support/database.mjs';
import { bookAppointment } from './support/scheduling.mjs';
import { createUser, newPatient, randomSuffix, signIn } from './support/users.mjs';
import { openWebSocket } from './support/websocket.mjs';

const signalPath = (id) => `/api/appointments/${id}/signal`;

/** Asserts that `response` wrote exactly one audit event of `eventType` about `recordId` by `actor`. */
function assertAudited(response, eventType, actor, recordId, outcome = 'allowed') {
  const events = auditEventsOfRequest(response.headers.get('x-request-id'));
  assert.equal(events.length, 1, JSON.stringify(events));
  assert.equal(events[0].event_type, eventType);
  assert.equal(events[0].actor_id, actor.user.id);
  assert.equal(events[0].actor_role, 'admin');
  assert.equal(events[0].record_id, recordId);
  assert.equal(events[0].outcome, outcome);
}

describe('admin', () => {
  let admin;
  const openSockets = [];

  before(async () => {
    admin = await newStaff('admin');
    await elevate(admin);
  });

  after(async () => {
    await Promise.all(openSockets.map((socket) => socket.close()));
  });

  test('admin function needs elevation', async () => {
    const fresh = await newStaff('admin');
    assertError(await fresh.client.get('/api/admin/users'), 403, 'elevation_required');
    const status = await fresh.client.get('/api/admin/elevation');
    assert.equal(status.status, 200, status.text);
    assert.equal(status.body.elevated_until, null);
  });

  test('elevation rotates token and expires', async () => {
    const fresh = await newStaff('admin');
    const before = fresh.client.sessionToken;

    const wrong = await fresh.client.post('/api/admin/elevate', { code: '000000' });
    assertError(wrong, 400, 'invalid_field', 'code');
    const denied = auditEventsOfRequest(wrong.body.request_id);
    assert.deepEqual(denied.map((event) => [event.event_type, event.outcome]), [['admin.elevate', 'denied']]);

    const started = Date.now();
    const code = nextStepCode(fresh.secret);
    const response = await fresh.client.post('/api/admin/elevate', { code });
    assert.equal(response.status, 200, response.text);
    const events = auditEventsOfRequest(response.headers.get('x-request-id'));
    assert.deepEqual(events.map((event) => [event.event_type, event.outcome, event.record_id]), [
      ['admin.elevate', 'allowed', fresh.user.id],
    ]);

    // 15 minutes by default, counted from the request.
    const lifetime = Date.parse(response.body.elevated_until) - started;
    assert.ok(lifetime > 14 * 60_000, `lifetime ${lifetime} ms`);
    assert.ok(lifetime <= 15 * 60_000 + 1000, `lifetime ${lifetime} ms`);

    // A new token replaces the old one, which no longer signs anyone in.
    assert.notEqual(fresh.client.sessionToken, before);
    const stale = new ApiClient('stale token');
    stale.sessionToken = before;
    assertError(await stale.get('/api/auth/session'), 401, 'unauthenticated');

    const list = await fresh.client.get('/api/admin/users');
    assert.equal(list.status, 200, list.text);
    assert.ok(list.body.some((user) => user.id === fresh.user.id));

    // The same code is not accepted twice.
    assertError(await fresh.client.post('/api/admin/elevate', { code }), 400, 'invalid_field', 'code');

    // Once the elevation has passed, admin functions are refused again.
    superuserExec("UPDATE sessions SET elevated_until = now() - interval '1 second' WHERE token_hash = decode(:'hash', 'hex');", {
      hash: tokenHash(fresh.client.sessionToken),
    });
    assertError(await fresh.client.get('/api/admin/users'), 403, 'elevation_required');
  });

  test('user list has no clinical content', async () => {
    const response = await admin.client.get('/api/admin/users');
    assert.equal(response.status, 200, response.text);
    const mine = response.body.find((user) => user.id === admin.user.id);
    assert.deepEqual(Object.keys(mine).sort(), ['active', 'created_at', 'display_name', 'email', 'id', 'locked', 'role', 'totp_enabled']);
    assert.equal(mine.email, admin.user.email);
    assert.equal(mine.role, 'admin');
    assert.equal(mine.totp_enabled, true);
    assertAudited(response, 'admin.user_list', admin, null);
  });

  test('invitation is single-use', async () => {
    const email = `invitee-${randomSuffix()}@api-test.telehealth.test`;
    const invited = await admin.client.post('/api/admin/invitations', { email, role: 'clinician' });
    assert.equal(invited.status, 201, invited.text);
    assert.equal(invited.body.email, email);
    assert.equal(invited.body.role, 'clinician');
    assertAudited(invited, 'admin.invite', admin, invited.body.id);
    const hours = (Date.parse(invited.body.expires_at) - Date.now()) / 3_600_000;
    assert.ok(hours > 71.9, `expires in ${hours} h`);
    assert.ok(hours <= 72, `expires in ${hours} h`);

    const link = new URL(invited.body.link);
    assert.equal(link.pathname, '/');
    const token = new URLSearchParams(link.hash.split('?')[1]).get('token');
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    // Only the hash of the token is stored.
    assert.equal(adminQuery("SELECT to_json(count(*)) FROM invitations WHERE token_hash = decode(:'hash', 'hex');", { hash: tokenHash(token) }), 1);

    const anonymous = new ApiClient('invitee');
    const details = await anonymous.post('/api/invitations/lookup', { token });
    assert.equal(details.status, 200, details.text);
    assert.deepEqual([details.body.email, details.body.role], [email, 'clinician']);

    assertError(await anonymous.post('/api/invitations/accept', { token, display_name: 'Dr Ines Falk', password: 'short' }), 400, 'invalid_field', 'password');
    const password = `pw-${randomSuffix(20)}`;
    const accepted = await anonymous.post('/api/invitations/accept', { token, display_name: 'Dr Ines Falk', password });
    assert.equal(accepted.status, 201, accepted.text);
    const acceptEvents = auditEventsOfRequest(accepted.headers.get('x-request-id'));
    assert.deepEqual(acceptEvents.map((event) => [event.event_type, event.actor_id, event.record_id]), [
      ['auth.invite_accept', accepted.body.user_id, accepted.body.user_id],
    ]);

    const again = await anonymous.post('/api/invitations/accept', { token, display_name: 'Someone Else', password });
    assertError(again, 404, 'not_found', 'token');
    assertError(await anonymous.post('/api/invitations/lookup', { token }), 404, 'not_found', 'token');

    const { response } = await signIn({ email, password, role: 'clinician' });
    assert.equal(response.body.user.role, 'clinician');
    assert.equal(response.body.user.display_name, 'Dr Ines Falk');
    assert.equal(response.body.mfa, 'enrol');

    // An invitation for an email that already has a user is refused.
    assertError(await admin.client.post('/api/admin/invitations', { email, role: 'patient' }), 409, 'conflict');
  });

  test('invitation expires', async () => {
    const email = `late-${randomSuffix()}@api-test.telehealth.test`;
    const invited = await admin.client.post('/api/admin/invitations', { email, role: 'patient' });
    assert.equal(invited.status, 201, invited.text);
    superuserExec(
      "UPDATE invitations SET created_at = now() - interval '73 hours', expires_at = now() - interval '1 hour' WHERE id = :'id';",
      { id: invited.body.id },
    );
    const token = new URLSearchParams(new URL(invited.body.link).hash.split('?')[1]).get('token');
    const anonymous = new ApiClient('late invitee');
    assertError(await anonymous.post('/api/invitations/lookup', { token }), 404, 'not_found', 'token');
    const accept = await anonymous.post('/api/invitations/accept', { token, display_name: 'Late Person', password: `pw-${randomSuffix(20)}` });
    assertError(accept, 404, 'not_found', 'token');
    assert.equal(adminQuery("SELECT to_json(count(*)) FROM users WHERE lower(email) = lower(:'email');", { email }), 0);
  });

  test('invitation input checked', async () => {
    assertError(await admin.client.post('/api/admin/invitations', { email: 'not-an-address', role: 'patient' }), 400, 'invalid_field', 'email');
    assertError(await admin.client.post('/api/admin/invitations', { email: 'a@b.test', role: 'superuser' }), 400, 'invalid_field', 'role');
  });

  test('deactivation ends sessions and socket', async () => {
    const clinician = await newStaff('clinician');
    const patient = await newPatient();
    const appointment = await bookAppointment(clinician, patient, 2);
    const { client: second } = await signIn(patient.user);
    assert.equal(sessionCount(patient.user.id), 2);

    const socket = await openWebSocket(signalPath(appointment.id), { cookie: patient.client.cookieHeader() });
    assert.equal(socket.status, 101, socket.text);
    openSockets.push(socket.connection);

    const response = await admin.client.post(`/api/admin/users/${patient.user.id}/deactivate`);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.active, false);
    assertAudited(response, 'admin.user_deactivate', admin, patient.user.id);

    assert.equal(await closedWithin(socket.connection, 5000), 'closed', 'the signaling socket outlived the deactivation');
    assert.equal(sessionCount(patient.user.id), 0);
    assertError(await patient.client.get('/api/auth/session'), 401, 'unauthenticated');
    assertError(await second.get('/api/auth/session'), 401, 'unauthenticated');
    // The same error as a wrong password, so the account's state is not revealed.
    assertError(await new ApiClient().post('/api/auth/login', { email: patient.user.email, password: patient.user.password }), 401, 'invalid_credentials');

    const reactivated = await admin.client.post(`/api/admin/users/${patient.user.id}/reactivate`);
    assert.equal(reactivated.status, 200, reactivated.text);
    assert.equal(reactivated.body.active, true);
    assertAudited(reactivated, 'admin.user_reactivate', admin, patient.user.id);
    await signIn(patient.user);
  });

  test('socket closes on change elsewhere', async () => {
    // A deactivation or expiry made by another instance reaches this one only
    // through the database, which each open socket rechecks every 5 seconds.
    const clinician = await newStaff('clinician');
    const patient = await newPatient();
    const appointment = await bookAppointment(clinician, patient, 2);

    const patientSocket = await openWebSocket(signalPath(appointment.id), { cookie: patient.client.cookieHeader() });
    assert.equal(patientSocket.status, 101, patientSocket.text);
    openSockets.push(patientSocket.connection);
    const clinicianSocket = await openWebSocket(signalPath(appointment.id), { cookie: clinician.client.cookieHeader() });
    assert.equal(clinicianSocket.status, 101, clinicianSocket.text);
    openSockets.push(clinicianSocket.connection);

    superuserExec("UPDATE users SET active = false WHERE id = :'id';", { id: patient.user.id });
    assert.equal(await closedWithin(patientSocket.connection, 12_000), 'closed', 'deactivation in the database did not close the socket');

    // An idle session (no request for longer than the idle timeout) closes too.
    superuserExec("UPDATE sessions SET last_seen_at = now() - interval '1 hour' WHERE token_hash = decode(:'hash', 'hex');", {
      hash: tokenHash(clinician.client.sessionToken),
    });
    assert.equal(await closedWithin(clinicianSocket.connection, 12_000), 'closed', 'an idle session kept its socket open');
  });

  test('MFA reset', async () => {
    const clinician = await newStaff('clinician');
    const response = await admin.client.post(`/api/admin/users/${clinician.user.id}/mfa-reset`);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.totp_enabled, false);
    assertAudited(response, 'admin.mfa_reset', admin, clinician.user.id);

    const stored = adminQuery("SELECT json_build_array(totp_enabled, totp_secret_sealed IS NULL, totp_last_step IS NULL) FROM users WHERE id = :'id';", {
      id: clinician.user.id,
    });
    assert.deepEqual(stored, [false, true, true]);
    assert.equal(sessionCount(clinician.user.id), 0);
    assertError(await clinician.client.get('/api/auth/session'), 401, 'unauthenticated');

    const { response: signedIn } = await signIn(clinician.user);
    assert.equal(signedIn.body.mfa, 'enrol');
  });

  test('role change', async () => {
    const patient = await newPatient();
    assertError(await admin.client.post(`/api/admin/users/${patient.user.id}/role`, { role: 'wizard' }), 400, 'invalid_field', 'role');

    const response = await admin.client.post(`/api/admin/users/${patient.user.id}/role`, { role: 'clinician' });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.role, 'clinician');
    assertAudited(response, 'admin.user_role', admin, patient.user.id);
    // The old session carried the old role, so it ends.
    assertError(await patient.client.get('/api/auth/session'), 401, 'unauthenticated');
    const { response: signedIn } = await signIn(patient.user);
    assert.equal(signedIn.body.user.role, 'clinician');
    assert.equal(signedIn.body.mfa, 'enrol');
  });

  test('unknown user', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const response = await admin.client.post(`/api/admin/users/${missing}/deactivate`);
    assertError(response, 404, 'not_found');
    const events = auditEventsOfRequest(response.body.request_id);
    assert.deepEqual(events.map((event) => [event.event_type, event.record_id, event.outcome]), [['admin.user_deactivate', missing, 'failed']]);
  });

  test('last active admin cannot lock out', async () => {
    // Every other active admin is deactivated for the length of this test,
    // so the signed-in admin is the last one.
    const others = adminQuery(
      "SELECT coalesce(json_agg(id), '[]') FROM users WHERE role = 'admin' AND active AND id <> :'id';",
      { id: admin.user.id },
    );
    superuserExec("UPDATE users SET active = false WHERE role = 'admin' AND active AND id <> :'id';", { id: admin.user.id });
    try {
      const deactivate = await admin.client.post(`/api/admin/users/${admin.user.id}/deactivate`);
      assertError(deactivate, 409, 'conflict');
      assertAudited(deactivate, 'admin.user_deactivate', admin, admin.user.id, 'denied');

      const demote = await admin.client.post(`/api/admin/users/${admin.user.id}/role`, { role: 'clinician' });
      assertError(demote, 409, 'conflict');
      assertAudited(demote, 'admin.user_role', admin, admin.user.id, 'denied');

      const still = adminQuery("SELECT json_build_array(role, active) FROM users WHERE id = :'id';", { id: admin.user.id });
      assert.deepEqual(still, ['admin', true]);
      assert.equal((await admin.client.get('/api/admin/users')).status, 200);
    } finally {
      superuserExec("UPDATE users SET active = true WHERE id = ANY(string_to_array(:'ids', ',')::uuid[]);", {
        ids: others.join(',') || '00000000-0000-4000-8000-000000000000',
      });
    }

    // With another admin active, an admin may step down.
    const second = await newStaff('admin');
    await elevate(second);
    const stepDown = await second.client.post(`/api/admin/users/${second.user.id}/role`, { role: 'auditor' });
    assert.equal(stepDown.status, 200, stepDown.text);
    assert.equal(stepDown.body.role, 'auditor');
    // Their own session ended with the change, and the cookie was cleared.
    assert.equal(second.client.sessionToken, undefined);
  });

  test('other roles get 403', async () => {
    const patient = await newPatient();
    const clinician = await newStaff('clinician');
    const auditor = await newStaff('auditor');
    const target = createUser('patient');
    const routes = [
      ['GET', '/api/admin/users'],
      ['GET', '/api/admin/elevation'],
      ['POST', '/api/admin/elevate', { code: '123456' }],
      ['POST', '/api/admin/invitations', { email: 'x@example.test', role: 'admin' }],
      ['POST', `/api/admin/users/${target.id}/deactivate`],
      ['POST', `/api/admin/users/${target.id}/reactivate`],
      ['POST', `/api/admin/users/${target.id}/mfa-reset`],
      ['POST', `/api/admin/users/${target.id}/role`, { role: 'admin' }],
      ['GET', '/api/admin/break-glass'],
    ];
    for (const caller of [patient, clinician, auditor]) {
      for (const [method, path, json] of routes) {
        const response = await caller.client.request(method, path, { json });
        assertError(response, 403, 'forbidden');
      }
    }
    const anonymous = new ApiClient();
    assertError(await anonymous.get('/api/admin/users'), 401, 'unauthenticated');
    assert.equal(adminQuery("SELECT to_json(active) FROM users WHERE id = :'id';", { id: target.id }), true);
  });
});
