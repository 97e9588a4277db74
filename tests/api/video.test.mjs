// TURN credentials and WebSocket signaling for a video consultation: only the
// appointment's participants, and only inside its window (10 minutes before
// the start until the end).

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { assertError } from './support/client.mjs';
import { auditEventsOfRequest } from './support/database.mjs';
import { config, turnSecret } from './support/env.mjs';
import { bookAppointment } from './support/scheduling.mjs';
import { newClinician, newPatient, signIn } from './support/users.mjs';
import { openWebSocket } from './support/websocket.mjs';

// The coturn REST API credential: base64 of HMAC-SHA1 over the username.
function expectedCredential(username) {
  return createHmac('sha1', turnSecret()).update(username).digest('base64');
}

function unixSeconds(rfc3339Time) {
  return Date.parse(rfc3339Time) / 1000;
}

describe('video consultation', () => {
  let clinician;
  let patient;
  let outsider;
  let appointment;
  let laterAppointment;
  const openSockets = [];

  before(async () => {
    clinician = await newClinician();
    outsider = await newClinician();
    patient = await newPatient();
    // Starts in 2 minutes, so its window (from 10 minutes before) is open.
    appointment = await bookAppointment(clinician, patient, 2);
    // Starts in 2 hours, so its window has not opened.
    laterAppointment = await bookAppointment(clinician, await newPatient(), 120);
  });

  after(async () => {
    await Promise.all(openSockets.map((socket) => socket.close()));
  });

  const turnPath = (id) => `/api/appointments/${id}/turn`;
  const signalPath = (id) => `/api/appointments/${id}/signal`;

  test('TURN credential for patient', async () => {
    const response = await patient.client.get(turnPath(appointment.id));
    assert.equal(response.status, 200, response.text);
    assert.equal(response.headers.get('cache-control'), 'no-store');

    const [server] = response.body.ice_servers;
    assert.equal(response.body.ice_servers.length, 1);
    assert.deepEqual(server.urls, config.turn.urls);
    assert.equal(server.username, `${unixSeconds(appointment.ends_at)}:${patient.user.id}`);
    assert.equal(server.credential, expectedCredential(server.username));
    assert.equal(response.body.expires_at, appointment.ends_at);
  });

  test('TURN credential for clinician', async () => {
    const response = await clinician.client.get(turnPath(appointment.id));
    assert.equal(response.status, 200, response.text);
    const [server] = response.body.ice_servers;
    assert.equal(server.username, `${unixSeconds(appointment.ends_at)}:${clinician.user.id}`);
    assert.equal(server.credential, expectedCredential(server.username));
  });

  test('TURN for unrelated clinician', async () => {
    const response = await outsider.client.get(turnPath(appointment.id));
    assertError(response, 404, 'not_found');
    const events = auditEventsOfRequest(response.body.request_id);
    assert.equal(events.length, 1);
    assert.equal(events[0].event_type, 'consultation.turn_credentials');
    assert.equal(events[0].outcome, 'denied');
    assert.equal(events[0].actor_id, outsider.user.id);
  });

  test('TURN before window opens', async () => {
    const response = await clinician.client.get(turnPath(laterAppointment.id));
    assertError(response, 403, 'forbidden');
    assert.equal(response.body.ice_servers, undefined);
  });

  test('signaling without session rejected', async () => {
    const response = await openWebSocket(signalPath(appointment.id));
    assert.equal(response.connection, undefined, 'the upgrade was accepted');
    assertError(response, 401, 'unauthenticated');
  });

  test('signaling from foreign Origin rejected', async () => {
    const response = await openWebSocket(signalPath(appointment.id), {
      origin: 'https://attacker.example',
      cookie: patient.client.cookieHeader(),
    });
    assert.equal(response.connection, undefined, 'the upgrade was accepted');
    assert.equal(response.status, 403, response.text);
    assert.equal(response.body.error.code, 'bad_origin');
  });

  test('signaling for outsider rejected', async () => {
    const response = await openWebSocket(signalPath(appointment.id), {
      cookie: outsider.client.cookieHeader(),
    });
    assert.equal(response.connection, undefined, 'the upgrade was accepted');
    assertError(response, 404, 'not_found');
  });

  test('signaling relays between participants', async () => {
    const patientSide = await openWebSocket(signalPath(appointment.id), {
      cookie: patient.client.cookieHeader(),
    });
    assert.equal(patientSide.status, 101, patientSide.text);
    openSockets.push(patientSide.connection);

    const clinicianSide = await openWebSocket(signalPath(appointment.id), {
      cookie: clinician.client.cookieHeader(),
    });
    assert.equal(clinicianSide.status, 101, clinicianSide.text);
    openSockets.push(clinicianSide.connection);

    assert.deepEqual(await patientSide.connection.nextJson(), { type: 'peer-joined', role: 'clinician' });
    assert.deepEqual(await clinicianSide.connection.nextJson(), { type: 'peer-joined', role: 'patient' });

    // The server rebuilds each message from its checked fields, so a field
    // outside the protocol never reaches the other participant.
    const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n';
    clinicianSide.connection.sendJson({ type: 'offer', sdp, html: '<img src=x onerror=alert(1)>' });
    assert.deepEqual(await patientSide.connection.nextJson(), { type: 'offer', sdp });

    // A message of an unknown type, or an offer whose sdp is not a string, is
    // dropped, so the next one the patient receives is the candidate.
    clinicianSide.connection.sendJson({ type: 'offer', sdp: { nested: true } });
    const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 50000 typ relay', sdpMid: '0', sdpMLineIndex: 0 };
    clinicianSide.connection.sendJson({ type: 'candidate', candidate });
    assert.deepEqual(await patientSide.connection.nextJson(), { type: 'candidate', candidate });

    patientSide.connection.sendJson({ type: 'chat', text: 'not relayed' });
    patientSide.connection.sendJson({ type: 'answer', sdp: 'v=0\r\n' });
    assert.deepEqual(await clinicianSide.connection.nextJson(), { type: 'answer', sdp: 'v=0\r\n' });

    await patientSide.connection.close();
    assert.deepEqual(await clinicianSide.connection.nextJson(), { type: 'peer-left', role: 'patient' });
  });

  test('sign-out closes signaling socket', async () => {
    // A second session of the same patient, so the suite's own session stays.
    const { client: second } = await signIn(patient.user);
    const socket = await openWebSocket(signalPath(appointment.id), { cookie: second.cookieHeader() });
    assert.equal(socket.status, 101, socket.text);
    openSockets.push(socket.connection);

    const signedOut = await second.post('/api/auth/logout');
    assert.equal(signedOut.status, 204, signedOut.text);
    const timeout = new Promise((resolve) => setTimeout(() => resolve('still open'), 5000));
    assert.notEqual(await Promise.race([socket.connection.closed, timeout]), 'still open',
      'the signaling socket outlived the session that opened it');

    assert.equal((await patient.client.get('/api/auth/session')).status, 200, 'other sessions stay');
  });
});
