// Malformed and hostile requests: each is rejected with the documented status
// and error code, and no response shows SQL text or a stack trace (the client
// in support/client.mjs checks every body for that).

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';

import { ApiClient, assertError } from './support/client.mjs';
import { adminQuery, countRows } from './support/database.mjs';
import { baseUrl } from './support/env.mjs';
import { minutesFromNow, publishAvailability } from './support/scheduling.mjs';
import { newClinician, newPatient } from './support/users.mjs';

describe('request validation', () => {
  let clinician;
  let patient;

  before(async () => {
    clinician = await newClinician();
    patient = await newPatient();
  });

  test('malformed JSON rejected', async () => {
    const anonymous = new ApiClient();
    const truncated = await anonymous.request('POST', '/api/auth/login', { body: '{"email":' });
    assertError(truncated, 400, 'malformed_json');

    const notAnObject = await patient.client.request('POST', '/api/appointments', { body: '[1, 2]' });
    assertError(notAnObject, 400, 'malformed_json');
  });

  test('missing field named', async () => {
    const anonymous = new ApiClient();
    const response = await anonymous.post('/api/auth/login', { email: 'someone@api-test.telehealth.test' });
    assertError(response, 400, 'invalid_field', 'password');
    assert.match(response.body.error.message, /password/);

    const noSlot = await patient.client.post('/api/appointments', {});
    assertError(noSlot, 400, 'invalid_field', 'slot_id');
  });

  test('wrong field type rejected', async () => {
    const anonymous = new ApiClient();
    assertError(
      await anonymous.post('/api/auth/login', { email: 5, password: 'irrelevant-password' }),
      400,
      'invalid_field',
      'email',
    );
    assertError(
      await clinician.client.post('/api/availability', {
        starts_at: '2030-01-07T09:00:00Z',
        ends_at: '2030-01-07T10:00:00Z',
        slot_minutes: '15',
      }),
      400,
      'invalid_field',
      'slot_minutes',
    );
  });

  test('availability end before start', async () => {
    const startsAt = minutesFromNow(60);
    const endsAt = minutesFromNow(30);
    const response = await publishAvailability(clinician.client, startsAt, endsAt, 15);
    assertError(response, 422, 'invalid_field', 'ends_at');
    assert.equal(countRows('availability_slots', "clinician_id = :'id'", { id: clinician.user.id }), 0);
  });

  test('unknown route returns JSON 404', async () => {
    const get = await patient.client.get('/api/no-such-route');
    assertError(get, 404, 'not_found');
    assert.match(get.headers.get('content-type'), /application\/json/);

    assertError(await patient.client.post('/api/no-such-route', {}), 404, 'not_found');
    assertError(await patient.client.get('/api/patients/not-a-uuid/records'), 404, 'not_found');
  });

  test('body over 64 KiB rejected', async () => {
    const anonymous = new ApiClient();
    const padding = 'x'.repeat(64 * 1024);
    const body = JSON.stringify({ email: 'someone@api-test.telehealth.test', password: padding });
    const response = await anonymous.request('POST', '/api/auth/login', { body });
    assertError(response, 413, 'body_too_large');
  });

  test('request without session rejected', async () => {
    const anonymous = new ApiClient();
    assertError(await anonymous.get('/api/appointments'), 401, 'unauthenticated');
    assertError(await anonymous.get('/api/auth/session'), 401, 'unauthenticated');

    const forged = new ApiClient();
    forged.sessionToken = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    assertError(await forged.get('/api/appointments'), 401, 'unauthenticated');
  });

  test('idle session expires', async () => {
    const { client, user } = await newPatient();
    assert.equal((await client.get('/api/appointments')).status, 200);

    // The server stores SHA-256 of the cookie's token. Moving last_seen_at
    // back past the 15-minute idle timeout makes the session idle.
    const tokenHash = createHash('sha256').update(client.sessionToken).digest('hex');
    const updated = adminQuery(
      `WITH moved AS (
         UPDATE sessions SET last_seen_at = now() - interval '20 minutes'
          WHERE token_hash = decode(:'hash', 'hex') AND user_id = :'user' RETURNING 1)
       SELECT to_json(count(*)) FROM moved;`,
      { hash: tokenHash, user: user.id },
    );
    assert.equal(updated, 1, 'the session row was not found by its token hash');

    assertError(await client.get('/api/appointments'), 401, 'unauthenticated');
    assert.equal(countRows('sessions', "token_hash = decode(:'hash', 'hex')", { hash: tokenHash }), 0);
  });

  // docs/api.md gives `bad_origin` as the error code of a cross-origin write.
  test('write without Origin rejected', async () => {
    const free = await newPatient();
    const login = await new ApiClient().post(
      '/api/auth/login',
      { email: free.user.email, password: free.user.password },
      { origin: null },
    );
    assertError(login, 403, 'bad_origin');

    const booking = await patient.client.post('/api/appointments', { slot_id: randomUUID() }, { origin: null });
    assertError(booking, 403, 'bad_origin');
  });

  test('write with foreign Origin rejected', async () => {
    const url = new URL(baseUrl);
    const foreignOrigins = [
      'https://attacker.example',
      `http://${url.host}`,
      `https://${url.hostname}:${Number(url.port || 443) + 1}`,
      `${baseUrl}.attacker.example`,
      'null',
    ];
    for (const origin of foreignOrigins) {
      const response = await patient.client.post('/api/appointments', { slot_id: randomUUID() }, { origin });
      assertError(response, 403, 'bad_origin');
    }

    const logout = await patient.client.post('/api/auth/logout', undefined, { origin: 'https://attacker.example' });
    assertError(logout, 403, 'bad_origin');
    assert.equal((await patient.client.get('/api/auth/session')).status, 200, 'a cross-origin logout ended the session');
  });

  test('hostile input gets clean errors', async () => {
    const slot = (slotId) => patient.client.post('/api/appointments', { slot_id: slotId });
    const availability = (startsAt, endsAt, slotMinutes) =>
      clinician.client.post('/api/availability', { starts_at: startsAt, ends_at: endsAt, slot_minutes: slotMinutes });

    const cases = [
      ['slot id not a UUID', () => slot("1' OR '1'='1"), 400],
      ['unknown slot id', () => slot(randomUUID()), 404],
      ['slot id uppercase UUID', () => slot(randomUUID().toUpperCase()), 404],
      ['start not a time', () => availability('tomorrow', '2030-01-07T10:00:00Z', 15), 400],
      ['start without zone', () => availability('2030-01-07T09:00:00', '2030-01-07T10:00:00Z', 15), 400],
      ['start in the past', () => availability('2001-01-01T09:00:00Z', '2001-01-01T10:00:00Z', 15), 422],
      ['year 9999 range', () => availability('9999-12-31T09:00:00Z', '9999-12-31T10:00:00Z', 15), 201],
      ['range too long', () => availability('2030-01-07T09:00:00Z', '2031-01-07T09:00:00Z', 15), 422],
      ['slot minutes beyond int64', () => availability('2030-01-07T09:00:00Z', '2030-01-07T10:00:00Z', 2 ** 64), 400],
      ['slot minutes negative', () => availability('2030-01-07T09:00:00Z', '2030-01-07T10:00:00Z', -15), 422],
      ['slot minutes fraction', () => availability('2030-01-07T09:00:00Z', '2030-01-07T10:00:00Z', 15.5), 400],
      ['records of unknown patient', () => clinician.client.get(`/api/patients/${randomUUID()}/records`), 404],
      ['slots of unknown clinician', () => patient.client.get(`/api/clinicians/${randomUUID()}/slots`), 404],
      ['deeply nested JSON', () => patient.client.request('POST', '/api/appointments', { body: '['.repeat(10000) + ']'.repeat(10000) }), 400],
      ['invalid UTF-8 in JSON', () => patient.client.request('POST', '/api/appointments', { body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]) }), 400],
    ];
    for (const [name, send, status] of cases) {
      const response = await send();
      assert.equal(response.status, status, `${name}: ${response.text}`);
      if (status >= 400) assert.ok(response.body?.error?.code, `${name}: no error code in ${response.text}`);
    }
  });
});
