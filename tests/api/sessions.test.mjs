// Session hardening through the HTTP API: CSRF tokens, token rotation when
// MFA completes, the user's session list, recovery codes, the password
// policy, and a second factor for patients who choose one.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';

import { ApiClient, assertError } from './support/client.mjs';
import { adminQuery, auditEventsOfRequest } from './support/database.mjs';
import { binary, configFile } from './support/env.mjs';
import { createUser, newClinician, newPatient, randomSuffix, signIn } from './support/users.mjs';
import { stepSeconds, totpCode, unixNow } from './support/totp.mjs';

describe('CSRF tokens', () => {
  test('a write without the session CSRF token is refused and changes nothing', async () => {
    const clinician = createUser('clinician');
    const { client, response } = await signIn(clinician);
    assert.match(response.body.csrf_token, /^[A-Za-z0-9_-]{43}$/, 'sign-in returns a CSRF token');

    const missing = await client.post('/api/auth/totp/enrol', undefined, { csrf: null });
    assertError(missing, 403, 'bad_csrf_token');
    const wrong = await client.post('/api/auth/totp/enrol', undefined, { csrf: 'A'.repeat(43) });
    assertError(wrong, 403, 'bad_csrf_token');
    // Another session's token is no better than none.
    const { response: other } = await signIn(clinician);
    assertError(await client.post('/api/auth/totp/enrol', undefined, { csrf: other.body.csrf_token }), 403, 'bad_csrf_token');

    const pending = adminQuery(
      "SELECT to_json(count(*)) FROM sessions WHERE user_id = :'id' AND pending_totp_sealed IS NOT NULL;",
      { id: clinician.id },
    );
    assert.equal(pending, 0, 'a refused request left an enrolment behind');

    // The session route hands the token to a reloaded page, and with it the write succeeds.
    const session = await client.get('/api/auth/session');
    assert.equal(session.body.csrf_token, response.body.csrf_token);
    assert.equal((await client.post('/api/auth/totp/enrol')).status, 200);
  });

  test('sign-out needs no CSRF token but still the Origin', async () => {
    const { client } = await newPatient();
    assertError(await client.post('/api/auth/logout', undefined, { csrf: null, origin: 'https://attacker.example' }), 403, 'bad_origin');
    assert.equal((await client.post('/api/auth/logout', undefined, { csrf: null })).status, 204);
  });
});

describe('token rotation', () => {
  test('completing MFA replaces the session token', async () => {
    const { user, secret } = await newClinician();
    const { client } = await signIn(user);
    const before = client.sessionToken;
    const beforeCsrf = client.csrfToken;

    const verified = await client.post('/api/auth/totp/verify', { code: totpCode(secret, unixNow() + stepSeconds) });
    assert.equal(verified.status, 200, verified.text);
    assert.notEqual(client.sessionToken, before, 'MFA completion kept the token');
    assert.notEqual(verified.body.csrf_token, beforeCsrf);

    // The token from before MFA is worth nothing now.
    const stale = new ApiClient('pre-MFA token');
    stale.sessionToken = before;
    assertError(await stale.get('/api/auth/session'), 401, 'unauthenticated');
    assert.equal((await client.get('/api/appointments')).status, 200);
  });
});

describe('session list', () => {
  test('a user sees their sessions and ends one', async () => {
    const patient = createUser('patient');
    const { client: laptop } = await signIn(patient);
    const { client: phone } = await signIn(patient);

    const listed = await laptop.get('/api/auth/sessions');
    assert.equal(listed.status, 200, listed.text);
    assert.equal(listed.body.sessions.length, 2);
    const current = listed.body.sessions.filter((session) => session.current);
    assert.equal(current.length, 1);
    const other = listed.body.sessions.find((session) => !session.current);
    assert.equal(other.client_ip, '127.0.0.1');
    assert.ok(!JSON.stringify(listed.body).includes(phone.sessionToken), 'the list leaks a token');

    const ended = await laptop.delete(`/api/auth/sessions/${other.id}`);
    assert.equal(ended.status, 204, ended.text);
    assertError(await phone.get('/api/auth/session'), 401, 'unauthenticated');
    assert.equal((await laptop.get('/api/auth/session')).status, 200);
    assertError(await laptop.delete(`/api/auth/sessions/${other.id}`), 404, 'not_found');
  });

  test("another user's session cannot be ended", async () => {
    const { client: victim } = await newPatient();
    const { client: attacker } = await newPatient();
    const victimSessions = await victim.get('/api/auth/sessions');
    const id = victimSessions.body.sessions[0].id;
    assertError(await attacker.delete(`/api/auth/sessions/${id}`), 404, 'not_found');
    assert.equal((await victim.get('/api/auth/session')).status, 200);
  });
});

describe('recovery codes', () => {
  test('ten single-use codes stand in for TOTP', async () => {
    const { user, client } = await newClinician();
    const generated = await client.post('/api/auth/recovery-codes');
    assert.equal(generated.status, 200, generated.text);
    const { codes } = generated.body;
    assert.equal(codes.length, 10);
    for (const code of codes) assert.match(code, /^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    assert.equal(new Set(codes).size, 10);
    assert.deepEqual((await client.get('/api/auth/recovery-codes')).body, { remaining: 10 });

    // Stored hashed: no code appears in the table.
    const stored = adminQuery("SELECT coalesce(json_agg(encode(code_hash, 'escape')), '[]') FROM recovery_codes WHERE user_id = :'id';", { id: user.id });
    assert.equal(stored.length, 10);
    for (const code of codes) assert.ok(!JSON.stringify(stored).includes(code.replaceAll('-', '')));

    const { client: lostPhone } = await signIn(user);
    // Typed in capitals with spaces, as people copy them from paper.
    const typed = codes[3].toUpperCase().replaceAll('-', ' ');
    const used = await lostPhone.post('/api/auth/recovery-codes/verify', { code: typed });
    assert.equal(used.status, 200, used.text);
    assert.equal(used.body.mfa, 'done');
    assert.equal((await lostPhone.get('/api/appointments')).status, 200);
    const events = auditEventsOfRequest(used.headers.get('x-request-id'));
    assert.deepEqual(
      events.map((event) => [event.event_type, event.outcome, event.actor_id]),
      [['auth.recovery_code', 'allowed', user.id]],
    );
    assert.deepEqual((await lostPhone.get('/api/auth/recovery-codes')).body, { remaining: 9 });

    const { client: replay } = await signIn(user);
    const again = await replay.post('/api/auth/recovery-codes/verify', { code: codes[3] });
    assertError(again, 400, 'invalid_field', 'code');
    assert.equal(auditEventsOfRequest(again.body.request_id)[0].outcome, 'denied');
    assertError(await replay.get('/api/appointments'), 403, 'mfa_required');

    // A new set replaces the old one.
    const renewed = await client.post('/api/auth/recovery-codes');
    assert.equal(renewed.status, 200);
    const { client: later } = await signIn(user);
    assertError(await later.post('/api/auth/recovery-codes/verify', { code: codes[5] }), 400, 'invalid_field', 'code');
    assert.equal((await later.post('/api/auth/recovery-codes/verify', { code: renewed.body.codes[0] })).status, 200);
  });

  test('codes need an enrolled authenticator first', async () => {
    const { client } = await newPatient();
    assertError(await client.post('/api/auth/recovery-codes'), 409, 'conflict');
  });
});

describe('password policy', () => {
  // `telehealth user add` reads the password on stdin; the policy decides.
  function addUser(password, email = `policy-${randomSuffix()}@api-test.telehealth.test`) {
    return spawnSync(binary, ['--config', configFile, 'user', 'add', '--email', email, '--name', 'Wren Aldous', '--role', 'patient'], {
      input: `${password}\n`,
      encoding: 'utf8',
    });
  }

  test('short, common, breached and personal passwords are refused', () => {
    const cases = [
      ['short-pw-11', /at least 12 characters/],
      ['1qaz2wsx3edc', /too common/],
      ['Qwerty123456!', /too common/],
      ['zzzzzzzzzzzzzzzz', /too common/],
      ['wren-aldous-garden', /must not contain your name/],
    ];
    for (const [password, message] of cases) {
      const result = addUser(password);
      assert.notEqual(result.status, 0, `${password} was accepted`);
      assert.match(`${result.stdout}${result.stderr}`, message, password);
      assert.match(`${result.stdout}${result.stderr}`, /password/);
    }
    const accepted = addUser('heron lantern quietly 47');
    assert.equal(accepted.status, 0, accepted.stderr);
  });
});

describe('a second factor for patients', () => {
  test('a patient who enrols TOTP is asked for it at sign-in', async () => {
    const { user, client } = await newPatient();
    const enrolment = await client.post('/api/auth/totp/enrol');
    assert.equal(enrolment.status, 200, enrolment.text);
    const confirmed = await client.post('/api/auth/totp/confirm', { code: totpCode(enrolment.body.secret) });
    assert.equal(confirmed.status, 200, confirmed.text);

    const { client: next, response } = await signIn(user);
    assert.equal(response.body.mfa, 'verify');
    assertError(await next.get('/api/appointments'), 403, 'mfa_required');
  });
});

describe('password change', () => {
  test('needs the current password, applies the policy and ends other sessions', async () => {
    const patient = createUser('patient');
    const { client } = await signIn(patient);
    const { client: other } = await signIn(patient);

    const wrong = await client.post('/api/auth/password', { current_password: 'not-my-password', new_password: 'otter violin basalt 9' });
    assertError(wrong, 400, 'invalid_field', 'current_password');
    assert.equal(auditEventsOfRequest(wrong.body.request_id)[0].outcome, 'denied');
    const common = await client.post('/api/auth/password', { current_password: patient.password, new_password: 'Password2026!' });
    assertError(common, 400, 'invalid_field', 'new_password');

    const tokenBefore = client.sessionToken;
    const changed = await client.post('/api/auth/password', { current_password: patient.password, new_password: 'otter violin basalt 9' });
    assert.equal(changed.status, 200, changed.text);
    assert.notEqual(client.sessionToken, tokenBefore, 'the token was not rotated');
    assert.equal((await client.get('/api/auth/session')).status, 200);
    assertError(await other.get('/api/auth/session'), 401, 'unauthenticated');

    const events = auditEventsOfRequest(changed.headers.get('x-request-id'));
    assert.deepEqual(events.map((event) => `${event.event_type}:${event.outcome}`), ['auth.password_change:allowed']);
    assertError(await new ApiClient().post('/api/auth/login', { email: patient.email, password: patient.password }), 401, 'invalid_credentials');
    assert.equal((await signIn({ ...patient, password: 'otter violin basalt 9' })).response.status, 200);
  });
});

describe('failure count with a second factor pending', () => {
  test("a patient's right password does not reset the TOTP guess count", async () => {
    const { user, client } = await newPatient();
    const enrolment = await client.post('/api/auth/totp/enrol');
    assert.equal((await client.post('/api/auth/totp/confirm', { code: totpCode(enrolment.body.secret) })).status, 200);

    // A code outside the accepted window of -1 to +1 steps (and the step after).
    const window = new Set([-1, 0, 1, 2].map((offset) => totpCode(enrolment.body.secret, unixNow() + offset * stepSeconds)));
    let wrong = '000000';
    while (window.has(wrong)) wrong = String(Number(wrong) + 1).padStart(6, '0');

    const { client: guesser } = await signIn(user);
    for (let i = 0; i < 5; i++) {
      assertError(await guesser.post('/api/auth/totp/verify', { code: wrong }), 400, 'invalid_field', 'code');
    }
    // The fifth failure starts a 1-second wait, rounded up to the next whole
    // second, so it lasts up to 2 s. After it, the right password is accepted
    // but the count of wrong codes stays.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const { response } = await signIn(user);
    assert.equal(response.body.mfa, 'verify');
    const failures = adminQuery("SELECT to_json(failed_attempts) FROM users WHERE id = :'id';", { id: user.id });
    assert.equal(failures, 5);
  });
});
