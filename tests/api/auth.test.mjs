// Sign-in and RFC 6238 TOTP through the HTTP API, checked with oathtool codes
// and against the audit log.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';

import { ApiClient, assertError } from './support/client.mjs';
import { adminQuery, auditEventsOfRequest } from './support/database.mjs';
import { binary, configFile } from './support/env.mjs';
import { createUser, newClinician, randomSuffix, signIn } from './support/users.mjs';
import { stepSeconds, totpCode, unixNow } from './support/totp.mjs';

// Decodes RFC 4648 base32 (no padding needed) into bytes.
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const character of text.replace(/=+$/, '')) {
    const value = alphabet.indexOf(character);
    assert.notEqual(value, -1, `invalid base32 character ${character}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

describe('clinician TOTP', () => {
  let clinician;
  let client;
  let secret;
  let verifiedCode;

  test('PHI route before MFA rejected', async () => {
    clinician = createUser('clinician');
    const signedIn = await signIn(clinician);
    client = signedIn.client;
    assert.equal(signedIn.response.body.mfa, 'enrol');
    assert.equal(signedIn.response.body.user.id, clinician.id);
    assert.equal(signedIn.response.body.user.role, 'clinician');

    assertError(await client.get('/api/appointments'), 403, 'mfa_required');
    assertError(await client.get(`/api/patients/${clinician.id}/records`), 403, 'mfa_required');
    assertError(await client.get('/api/clinicians'), 403, 'mfa_required');
  });

  test('enrolment with oathtool code', async () => {
    const enrolment = await client.post('/api/auth/totp/enrol');
    assert.equal(enrolment.status, 200, enrolment.text);
    secret = enrolment.body.secret;
    assert.match(secret, /^[A-Z2-7]+=*$/);

    // A reload of the enrolment page must offer the same pending secret, so
    // an authenticator that scanned the first QR code still works.
    const again = await client.post('/api/auth/totp/enrol');
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.secret, secret);
    assert.equal(base32Decode(secret).length, 20);
    assert.match(enrolment.body.otpauth_uri, /^otpauth:\/\/totp\//);
    assert.ok(enrolment.body.otpauth_uri.includes(`secret=${secret}`));

    const confirmation = await client.post('/api/auth/totp/confirm', { code: totpCode(secret) });
    assert.equal(confirmation.status, 200, confirmation.text);
    assert.equal(confirmation.body.mfa, 'done');
    assert.equal(confirmation.body.user.id, clinician.id);

    const appointments = await client.get('/api/appointments');
    assert.equal(appointments.status, 200, appointments.text);
    assert.deepEqual(appointments.body, []);

    // The secret is stored sealed: enabled, and the raw secret bytes appear
    // nowhere in the stored value.
    const stored = adminQuery(
      `SELECT json_build_object(
                'enabled', totp_enabled,
                'raw_secret_found', position(decode(:'raw', 'hex') IN totp_secret_sealed) > 0)
         FROM users WHERE id = :'id';`,
      { id: clinician.id, raw: base32Decode(secret).toString('hex') },
    );
    assert.equal(stored.enabled, true);
    assert.equal(stored.raw_secret_found, false);
  });

  test('sign-in again requires verify', async () => {
    const logout = await client.post('/api/auth/logout');
    assert.equal(logout.status, 204, logout.text);
    assert.equal(client.sessionToken, undefined, 'logout did not clear the session cookie');
    assertError(await client.get('/api/auth/session'), 401, 'unauthenticated');

    const signedIn = await signIn(clinician);
    client = signedIn.client;
    assert.equal(signedIn.response.body.mfa, 'verify');
    assertError(await client.get('/api/appointments'), 403, 'mfa_required');

    // Someone with only the password must not replace the enrolled secret.
    assertError(await client.post('/api/auth/totp/enrol'), 409, 'conflict');
  });

  test('verify with oathtool code', async () => {
    // The enrolment consumed the current time step, and a code is accepted
    // only for a later step than the last one accepted, so this uses the code
    // of the next step (inside the server's one-step tolerance).
    verifiedCode = totpCode(secret, unixNow() + stepSeconds);
    const verification = await client.post('/api/auth/totp/verify', { code: verifiedCode });
    assert.equal(verification.status, 200, verification.text);
    assert.equal(verification.body.mfa, 'done');

    const session = await client.get('/api/auth/session');
    assert.equal(session.status, 200, session.text);
    assert.equal(session.body.mfa, 'done');
    assert.equal((await client.get('/api/appointments')).status, 200);
  });

  test('replayed code rejected', async () => {
    const { client: second, response } = await signIn(clinician);
    assert.equal(response.body.mfa, 'verify');

    // The code must still be inside the accepted window, so that only the
    // replay rule can reject it.
    const windowCodes = [-1, 0, 1].map((offset) => totpCode(secret, unixNow() + offset * stepSeconds));
    assert.ok(windowCodes.includes(verifiedCode), 'the code left the accepted window; rerun');

    const replay = await second.post('/api/auth/totp/verify', { code: verifiedCode });
    assertError(replay, 400, 'invalid_field', 'code');
    assertError(await second.get('/api/appointments'), 403, 'mfa_required');

    const events = auditEventsOfRequest(replay.body.request_id);
    assert.equal(events.length, 1);
    assert.equal(events[0].event_type, 'auth.totp_verify');
    assert.equal(events[0].outcome, 'denied');
    assert.equal(events[0].actor_id, clinician.id);
  });

  test('wrong code rejected', async () => {
    const { client: third } = await signIn(clinician);
    const now = unixNow();
    const accepted = new Set([-1, 0, 1, 2].map((offset) => totpCode(secret, now + offset * stepSeconds)));
    // A code from an hour ago, unless it happens to equal a code of the window.
    let wrong = totpCode(secret, now - 3600);
    if (accepted.has(wrong)) wrong = String((Number(wrong) + 1) % 1_000_000).padStart(6, '0');

    assertError(await third.post('/api/auth/totp/verify', { code: wrong }), 400, 'invalid_field', 'code');
    assertError(await third.post('/api/auth/totp/verify', { code: 'abcdef' }), 400, 'invalid_field', 'code');
    assertError(await third.get('/api/appointments'), 403, 'mfa_required');
  });
});

describe('sign-in failures', () => {
  test('wrong password and unknown email match', async () => {
    const patient = createUser('patient');
    const client = new ApiClient('sign-in failures');

    const wrongPassword = await client.post('/api/auth/login', {
      email: patient.email,
      password: `${patient.password}-wrong`,
    });
    const unknownEmail = await client.post('/api/auth/login', {
      email: `nobody-${randomSuffix()}@api-test.telehealth.test`,
      password: patient.password,
    });

    assertError(wrongPassword, 401, 'invalid_credentials');
    assertError(unknownEmail, 401, 'invalid_credentials');
    assert.equal(wrongPassword.body.error.message, unknownEmail.body.error.message);
    assert.equal(wrongPassword.body.error.field, unknownEmail.body.error.field);
    assert.equal(client.sessionToken, undefined, 'a failed sign-in set a session cookie');

    const wrongPasswordEvents = auditEventsOfRequest(wrongPassword.body.request_id);
    assert.equal(wrongPasswordEvents.length, 1);
    assert.equal(wrongPasswordEvents[0].event_type, 'auth.login');
    assert.equal(wrongPasswordEvents[0].outcome, 'denied');
    assert.equal(wrongPasswordEvents[0].actor_id, patient.id);

    const unknownEmailEvents = auditEventsOfRequest(unknownEmail.body.request_id);
    assert.equal(unknownEmailEvents.length, 1);
    assert.equal(unknownEmailEvents[0].event_type, 'auth.login');
    assert.equal(unknownEmailEvents[0].outcome, 'denied');
    assert.equal(unknownEmailEvents[0].actor_id, null);
  });
});

describe('attempt limits', () => {
  // The server allows 5 consecutive failures, then waits 1 s, 2 s, 4 s, ...
  // before the account may be tried again (NIST SP 800-63B 5.2.2). Each
  // wait is rounded up to the next whole second, so it may last 1 s more.
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  test('password throttled after failures', async () => {
    const patient = createUser('patient');
    const client = new ApiClient('attempt limits');
    const wrong = { email: patient.email, password: `${patient.password}-wrong` };
    for (let i = 0; i < 6; i++) {
      assertError(await client.post('/api/auth/login', wrong), 401, 'invalid_credentials');
    }

    // Six failures: locked for 2 s. The right password gets the same answer
    // as a wrong one, so a lockout does not reveal that the email exists.
    const locked = await client.post('/api/auth/login', { email: patient.email, password: patient.password });
    assertError(locked, 401, 'invalid_credentials');
    const events = auditEventsOfRequest(locked.body.request_id);
    assert.equal(events.length, 1);
    assert.equal(events[0].event_type, 'auth.login_locked');
    assert.equal(events[0].outcome, 'denied');

    await sleep(3100);
    const { response } = await signIn(patient);
    assert.equal(response.status, 200);
    const counter = adminQuery("SELECT to_json(failed_attempts) FROM users WHERE id = :'id';", { id: patient.id });
    assert.equal(counter, 0, 'a complete sign-in clears the count');
  });

  test('TOTP throttled after failures', async () => {
    const clinician = await newClinician();
    const { client } = await signIn(clinician.user);
    const now = unixNow();
    const accepted = new Set([-1, 0, 1, 2].map((offset) => totpCode(clinician.secret, now + offset * stepSeconds)));
    let wrong = totpCode(clinician.secret, now - 3600);
    if (accepted.has(wrong)) wrong = String((Number(wrong) + 1) % 1_000_000).padStart(6, '0');

    for (let i = 0; i < 5; i++) {
      assertError(await client.post('/api/auth/totp/verify', { code: wrong }), 400, 'invalid_field', 'code');
    }
    // Five failures: even the right code waits 1 s.
    const nextStepCode = totpCode(clinician.secret, unixNow() + stepSeconds);
    const throttled = await client.post('/api/auth/totp/verify', { code: nextStepCode });
    assertError(throttled, 429, 'too_many_attempts');

    // The throttle covers password sign-in too, and a new password sign-in
    // does not reset the count: only a complete sign-in does. So after the
    // wait, one more wrong code (the sixth) locks the account for 2 s.
    await sleep(2100);
    const { client: again } = await signIn(clinician.user);
    assertError(await again.post('/api/auth/totp/verify', { code: wrong }), 400, 'invalid_field', 'code');
    assertError(await again.post('/api/auth/totp/verify', { code: nextStepCode }), 429, 'too_many_attempts');

    await sleep(3100);
    const verified = await again.post('/api/auth/totp/verify', { code: nextStepCode });
    assert.equal(verified.status, 200, verified.text);
    assert.equal(verified.body.mfa, 'done');
  });

  test('account locked at 100 consecutive failures until unlocked', async () => {
    const patient = createUser('patient');
    // 99 failures already counted, and the last wait over: the 100th locks.
    adminQuery(
      "UPDATE users SET failed_attempts = 99, locked_until = NULL WHERE id = :'id' RETURNING to_json(true);",
      { id: patient.id },
    );
    const client = new ApiClient('lockout');
    assertError(await client.post('/api/auth/login', { email: patient.email, password: 'wrong-password-100' }), 401, 'invalid_credentials');
    const lock = adminQuery("SELECT json_build_object('failures', failed_attempts, 'locked', locked_until = 'infinity') FROM users WHERE id = :'id';", { id: patient.id });
    assert.deepEqual(lock, { failures: 100, locked: true });

    const refused = await client.post('/api/auth/login', { email: patient.email, password: patient.password });
    assertError(refused, 401, 'invalid_credentials');
    assert.equal(auditEventsOfRequest(refused.body.request_id)[0].event_type, 'auth.login_locked');

    const unlock = spawnSync(binary, ['--config', configFile, 'user', 'unlock', '--email', patient.email], { encoding: 'utf8' });
    assert.equal(unlock.status, 0, unlock.stderr);
    assert.equal((await signIn(patient)).response.status, 200);
  });
});
