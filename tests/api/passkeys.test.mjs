// WebAuthn passkeys through the HTTP API, with a software authenticator
// (node:crypto and its own CBOR encoder) for ES256, RS256 and EdDSA:
// registration, the second factor after a password, passwordless sign-in,
// and each rejection with its audit event.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { beforeEach, describe, test } from 'node:test';

import { SoftAuthenticator, algorithms } from './support/authenticator.mjs';
import { ApiClient, assertError } from './support/client.mjs';
import { adminQuery, auditEventsOfRequest, runPsql } from './support/database.mjs';
import { appDsn, baseUrl } from './support/env.mjs';
import { createUser, newClinician, newPatient, signIn } from './support/users.mjs';

const rpId = new URL(baseUrl).hostname;

function requestId(response) {
  return response.headers.get('x-request-id');
}

/** Asserts that the request wrote exactly one audit event with these fields. */
function assertAudited(response, eventType, outcome, actorId, passkeyId) {
  const events = auditEventsOfRequest(requestId(response));
  assert.equal(events.length, 1, `audit events of ${eventType}: ${JSON.stringify(events)}`);
  assert.equal(events[0].event_type, eventType);
  assert.equal(events[0].outcome, outcome);
  assert.equal(events[0].actor_id, actorId);
  if (passkeyId !== undefined) {
    assert.equal(events[0].record_type, 'passkey');
    assert.equal(events[0].record_id, passkeyId);
  }
}

function failedAttempts(userId) {
  return adminQuery('SELECT to_json(failed_attempts) FROM users WHERE id = :\'id\';', { id: userId });
}

function storedPasskey(passkeyId) {
  return adminQuery(
    `SELECT json_build_object('sign_count', sign_count, 'algorithm', algorithm,
                              'credential_id', encode(credential_id, 'base64'))
       FROM webauthn_credentials WHERE id = :'id';`,
    { id: passkeyId },
  );
}

/** Registers a passkey of `authenticator` on a verified `client`; returns the passkey. */
async function registerPasskey(client, authenticator, name) {
  const options = await client.post('/api/auth/passkeys/register/options');
  assert.equal(options.status, 200, options.text);
  const credential = authenticator.create(options.body);
  const response = await client.post('/api/auth/passkeys', { name, credential });
  assert.equal(response.status, 201, response.text);
  return response.body;
}

/** Signs in with the password; returns a client whose MFA is still pending. */
async function passwordOnly(user) {
  const { client, response } = await signIn(user);
  assert.equal(response.body.mfa, 'verify');
  return client;
}

async function secondFactorOptions(client) {
  const options = await client.post('/api/auth/passkeys/verify/options');
  assert.equal(options.status, 200, options.text);
  return options.body;
}

async function signInOptions() {
  const anonymous = new ApiClient('passkey sign-in');
  const options = await anonymous.post('/api/auth/passkeys/login/options');
  assert.equal(options.status, 200, options.text);
  return { anonymous, options: options.body };
}

for (const [label, algorithm] of Object.entries(algorithms)) {
  describe(`passkey ${label}`, () => {
    let clinician;
    let authenticator;
    let passkey;

    test('registration stores the credential', async () => {
      const enrolled = await newClinician();
      clinician = enrolled.user;
      authenticator = new SoftAuthenticator(algorithm, baseUrl);

      const options = await enrolled.client.post('/api/auth/passkeys/register/options');
      assert.equal(options.status, 200, options.text);
      assert.equal(options.body.rp.id, rpId);
      assert.equal(options.body.user.id, Buffer.from(clinician.id).toString('base64url'));
      assert.deepEqual(
        options.body.pubKeyCredParams.map((parameter) => parameter.alg),
        [-8, -7, -257],
      );
      assert.equal(options.body.authenticatorSelection.userVerification, 'required');
      assert.equal(Buffer.from(options.body.challenge, 'base64url').length, 32);

      const credential = authenticator.create(options.body, { format: label === 'es256' ? 'packed' : 'none' });
      const response = await enrolled.client.post('/api/auth/passkeys', { name: `Laptop ${label}`, credential });
      assert.equal(response.status, 201, response.text);
      passkey = response.body;
      assert.equal(passkey.name, `Laptop ${label}`);
      assert.equal(passkey.algorithm, algorithm);
      assert.equal(passkey.last_used_at, null);
      assertAudited(response, 'auth.passkey_registered', 'allowed', clinician.id, passkey.id);

      const stored = storedPasskey(passkey.id);
      assert.equal(stored.algorithm, algorithm);
      assert.equal(stored.sign_count, 0);
      assert.equal(stored.credential_id, authenticator.credentialId.toString('base64'));

      const list = await enrolled.client.get('/api/auth/passkeys');
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.body.map((item) => item.id), [passkey.id]);
    });

    test('second factor after password', async () => {
      const client = await passwordOnly(clinician);
      assertError(await client.get('/api/appointments'), 403, 'mfa_required');

      const options = await secondFactorOptions(client);
      assert.deepEqual(options.allowCredentials, [
        { type: 'public-key', id: authenticator.credentialId.toString('base64url') },
      ]);
      const response = await client.post('/api/auth/passkeys/verify', {
        credential: authenticator.get(options),
      });
      assert.equal(response.status, 200, response.text);
      assert.equal(response.body.mfa, 'done');
      assertAudited(response, 'auth.passkey_verified', 'allowed', clinician.id, passkey.id);
      assert.equal(storedPasskey(passkey.id).sign_count, 1);

      const appointments = await client.get('/api/appointments');
      assert.equal(appointments.status, 200, appointments.text);
    });

    test('passwordless sign-in', async () => {
      const { anonymous, options } = await signInOptions();
      assert.deepEqual(options.allowCredentials, []);
      assert.equal(options.userVerification, 'required');
      assert.equal(options.rpId, rpId);

      // A session the browser already had is replaced: the token rotates.
      const { client: previous } = await signIn(clinician);
      anonymous.sessionToken = previous.sessionToken;
      const response = await anonymous.post('/api/auth/passkeys/login', { credential: authenticator.get(options) });
      assert.equal(response.status, 200, response.text);
      assert.equal(response.body.user.id, clinician.id);
      assert.equal(response.body.mfa, 'done');
      assert.ok(anonymous.sessionToken);
      assert.notEqual(anonymous.sessionToken, previous.sessionToken);
      assertAudited(response, 'auth.passkey_login', 'allowed', clinician.id, passkey.id);
      assertError(await previous.get('/api/auth/session'), 401, 'unauthenticated');

      const session = await anonymous.get('/api/auth/session');
      assert.equal(session.status, 200, session.text);
      assert.equal(session.body.mfa, 'done');
      const appointments = await anonymous.get('/api/appointments');
      assert.equal(appointments.status, 200, appointments.text);
      assert.equal(storedPasskey(passkey.id).sign_count, 2);
    });

    test('bad signature rejected and audited', async () => {
      const client = await passwordOnly(clinician);
      const before = failedAttempts(clinician.id);
      const response = await client.post('/api/auth/passkeys/verify', {
        credential: authenticator.get(await secondFactorOptions(client), { badSignature: true }),
      });
      assertError(response, 401, 'invalid_credentials');
      assertAudited(response, 'auth.passkey_verified', 'denied', clinician.id, passkey.id);
      assert.equal(failedAttempts(clinician.id), before + 1);
      assertError(await client.get('/api/appointments'), 403, 'mfa_required');

      const { anonymous, options } = await signInOptions();
      const login = await anonymous.post('/api/auth/passkeys/login', {
        credential: authenticator.get(options, { badSignature: true }),
      });
      assertError(login, 401, 'invalid_credentials');
      assert.equal(anonymous.sessionToken, undefined);
      assertAudited(login, 'auth.passkey_login', 'denied', clinician.id, passkey.id);
      assert.equal(failedAttempts(clinician.id), before + 2);
    });
  });
}

describe('passkey rejections', () => {
  let clinician;
  let enrolledClient;
  let authenticator;
  let passkey;

  // Each rejection below counts as a failed attempt on the clinician's
  // account. Clearing the count between tests keeps the throttle (tested
  // elsewhere) from rejecting the request before the check under test runs.
  beforeEach(() => {
    if (!clinician) return;
    adminQuery("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = :'id' RETURNING to_json(true);", {
      id: clinician.id,
    });
  });

  test('setup: clinician with an ES256 passkey', async () => {
    const enrolled = await newClinician();
    clinician = enrolled.user;
    enrolledClient = enrolled.client;
    authenticator = new SoftAuthenticator(algorithms.es256, baseUrl);
    passkey = await registerPasskey(enrolledClient, authenticator, 'Security key');
  });

  test('registration needs completed MFA', async () => {
    const client = await passwordOnly(clinician);
    assertError(await client.post('/api/auth/passkeys/register/options'), 403, 'mfa_required');
    assertError(await client.get('/api/auth/passkeys'), 403, 'mfa_required');
    assertError(await new ApiClient().post('/api/auth/passkeys/register/options'), 401, 'unauthenticated');
  });

  test('registration wrong origin rejected', async () => {
    const other = new SoftAuthenticator(algorithms.es256, 'https://evil.example');
    const options = await enrolledClient.post('/api/auth/passkeys/register/options');
    const response = await enrolledClient.post('/api/auth/passkeys', {
      name: 'Phishing',
      credential: other.create(options.body),
    });
    assertError(response, 400, 'invalid_field', 'credential');
    assertAudited(response, 'auth.passkey_registered', 'denied', clinician.id);
  });

  test('registration wrong RP id rejected', async () => {
    const other = new SoftAuthenticator(algorithms.eddsa, baseUrl);
    const options = await enrolledClient.post('/api/auth/passkeys/register/options');
    const response = await enrolledClient.post('/api/auth/passkeys', {
      name: 'Other site',
      credential: other.create(options.body, { rpId: 'evil.example' }),
    });
    assertError(response, 400, 'invalid_field', 'credential');
    assertAudited(response, 'auth.passkey_registered', 'denied', clinician.id);
  });

  test('registration challenge replay rejected', async () => {
    const options = await enrolledClient.post('/api/auth/passkeys/register/options');
    const first = new SoftAuthenticator(algorithms.rs256, baseUrl);
    assert.equal(
      (await enrolledClient.post('/api/auth/passkeys', { name: 'First', credential: first.create(options.body) })).status,
      201,
    );
    const second = new SoftAuthenticator(algorithms.es256, baseUrl);
    const response = await enrolledClient.post('/api/auth/passkeys', {
      name: 'Second',
      credential: second.create(options.body),
    });
    assertError(response, 400, 'invalid_field', 'credential');
    assertAudited(response, 'auth.passkey_registered', 'denied', clinician.id);
  });

  test('registration without user verification rejected', async () => {
    const other = new SoftAuthenticator(algorithms.es256, baseUrl);
    const options = await enrolledClient.post('/api/auth/passkeys/register/options');
    const response = await enrolledClient.post('/api/auth/passkeys', {
      name: 'No PIN',
      credential: other.create(options.body, { userVerified: false }),
    });
    assertError(response, 400, 'invalid_field', 'credential');
    assertAudited(response, 'auth.passkey_registered', 'denied', clinician.id);
  });

  test('registration input errors name the field', async () => {
    const options = await enrolledClient.post('/api/auth/passkeys/register/options');
    const credential = new SoftAuthenticator(algorithms.es256, baseUrl).create(options.body);
    assertError(await enrolledClient.post('/api/auth/passkeys', { credential }), 400, 'invalid_field', 'name');
    assertError(
      await enrolledClient.post('/api/auth/passkeys', { name: 'x'.repeat(65), credential }),
      400,
      'invalid_field',
      'name',
    );
    const padded = { ...credential, response: { ...credential.response, attestationObject: 'AAAA=' } };
    assertError(
      await enrolledClient.post('/api/auth/passkeys', { name: 'Padded', credential: padded }),
      400,
      'invalid_field',
      'credential.response.attestationObject',
    );
  });

  test('assertion wrong origin rejected', async () => {
    const client = await passwordOnly(clinician);
    const response = await client.post('/api/auth/passkeys/verify', {
      credential: authenticator.get(await secondFactorOptions(client), { origin: `${baseUrl}.evil.example` }),
    });
    assertError(response, 401, 'invalid_credentials');
    assertAudited(response, 'auth.passkey_verified', 'denied', clinician.id, passkey.id);
  });

  test('assertion wrong RP id rejected', async () => {
    const { anonymous, options } = await signInOptions();
    const response = await anonymous.post('/api/auth/passkeys/login', {
      credential: authenticator.get(options, { rpId: 'evil.example' }),
    });
    assertError(response, 401, 'invalid_credentials');
    assertAudited(response, 'auth.passkey_login', 'denied', clinician.id, passkey.id);
  });

  test('replayed assertion rejected', async () => {
    const client = await passwordOnly(clinician);
    const credential = authenticator.get(await secondFactorOptions(client));
    const first = await client.post('/api/auth/passkeys/verify', { credential });
    assert.equal(first.status, 200, first.text);

    const again = await passwordOnly(clinician);
    const replay = await again.post('/api/auth/passkeys/verify', { credential });
    assertError(replay, 401, 'invalid_credentials');
    assertAudited(replay, 'auth.passkey_verified', 'denied', clinician.id);
    assertError(await again.get('/api/appointments'), 403, 'mfa_required');
  });

  test('expired challenge rejected', async () => {
    const client = await passwordOnly(clinician);
    const options = await secondFactorOptions(client);
    // Only the challenge's SHA-256 is stored; the raw bytes are nowhere.
    const challenge = Buffer.from(options.challenge, 'base64url');
    const stored = adminQuery(
      `SELECT json_build_object(
                'hashed', count(*) FILTER (WHERE challenge_hash = decode(:'hash', 'hex')),
                'raw', count(*) FILTER (WHERE challenge_hash = decode(:'raw', 'hex')))
         FROM webauthn_challenges;`,
      { hash: createHash('sha256').update(challenge).digest('hex'), raw: challenge.toString('hex') },
    );
    assert.deepEqual(stored, { hashed: 1, raw: 0 });
    adminQuery(
      `UPDATE webauthn_challenges SET expires_at = now() - interval '1 second'
        WHERE challenge_hash = decode(:'hash', 'hex') RETURNING to_json(true);`,
      { hash: createHash('sha256').update(challenge).digest('hex') },
    );
    const response = await client.post('/api/auth/passkeys/verify', { credential: authenticator.get(options) });
    assertError(response, 401, 'invalid_credentials');
    assertAudited(response, 'auth.passkey_verified', 'denied', clinician.id);
  });

  test('application role cannot change a stored key', async () => {
    const { status, stderr } = runPsql(appDsn, "UPDATE webauthn_credentials SET public_key = '\\x00' WHERE false;");
    assert.notEqual(status, 0);
    assert.match(stderr, /permission denied for table webauthn_credentials/);
    const owner = runPsql(appDsn, "UPDATE webauthn_credentials SET user_id = id WHERE false;");
    assert.match(owner.stderr, /permission denied for table webauthn_credentials/);
  });

  test('challenge of another session rejected', async () => {
    const first = await passwordOnly(clinician);
    const second = await passwordOnly(clinician);
    const options = await secondFactorOptions(first);
    const response = await second.post('/api/auth/passkeys/verify', { credential: authenticator.get(options) });
    assertError(response, 401, 'invalid_credentials');
    assertAudited(response, 'auth.passkey_verified', 'denied', clinician.id);
  });

  test('counter going backwards rejected', async () => {
    const client = await passwordOnly(clinician);
    const stored = storedPasskey(passkey.id).sign_count;
    assert.ok(stored >= 1, `stored counter ${stored}`);
    // A clone of the authenticator, made earlier, signs with an older count.
    authenticator.signCount = stored - 1;
    const response = await client.post('/api/auth/passkeys/verify', {
      credential: authenticator.get(await secondFactorOptions(client)),
    });
    assertError(response, 401, 'invalid_credentials');
    assertAudited(response, 'auth.passkey_clone_suspected', 'denied', clinician.id, passkey.id);
    assert.equal(storedPasskey(passkey.id).sign_count, stored);
    authenticator.signCount = stored;
  });

  test('another user\'s credential rejected', async () => {
    const other = await newClinician();
    const otherAuthenticator = new SoftAuthenticator(algorithms.eddsa, baseUrl);
    const otherPasskey = await registerPasskey(other.client, otherAuthenticator, 'Other');

    // A second factor for the clinician with the other clinician's passkey,
    // validly signed by it.
    const client = await passwordOnly(clinician);
    const options = await secondFactorOptions(client);
    const response = await client.post('/api/auth/passkeys/verify', {
      credential: otherAuthenticator.get({ ...options, allowCredentials: [] }),
    });
    assertError(response, 401, 'invalid_credentials');
    assertAudited(response, 'auth.passkey_verified', 'denied', clinician.id);
    assertError(await client.get('/api/appointments'), 403, 'mfa_required');

    // Passwordless: the other clinician's credential id with this
    // clinician's signature.
    const { anonymous, options: loginOptions } = await signInOptions();
    const login = await anonymous.post('/api/auth/passkeys/login', {
      credential: authenticator.get(loginOptions, { credentialId: otherAuthenticator.credentialId }),
    });
    assertError(login, 401, 'invalid_credentials');
    assertAudited(login, 'auth.passkey_login', 'denied', other.user.id, otherPasskey.id);

    // Deleting the other clinician's passkey is a 404, audited.
    const removal = await enrolledClient.request('DELETE', `/api/auth/passkeys/${otherPasskey.id}`);
    assertError(removal, 404, 'not_found');
    assertAudited(removal, 'auth.passkey_removed', 'denied', clinician.id, otherPasskey.id);
    assert.equal(storedPasskey(otherPasskey.id).algorithm, algorithms.eddsa);
  });

  test('unknown credential rejected', async () => {
    const stranger = new SoftAuthenticator(algorithms.es256, baseUrl);
    const { anonymous, options } = await signInOptions();
    const response = await anonymous.post('/api/auth/passkeys/login', { credential: stranger.get(options) });
    assertError(response, 401, 'invalid_credentials');
    assertAudited(response, 'auth.passkey_login', 'denied', null);
  });

  test('passwordless without user verification rejected', async () => {
    const { anonymous, options } = await signInOptions();
    const response = await anonymous.post('/api/auth/passkeys/login', {
      credential: authenticator.get(options, { userVerified: false }),
    });
    assertError(response, 401, 'invalid_credentials');
    assertAudited(response, 'auth.passkey_login', 'denied', clinician.id, passkey.id);
  });

  test('cross-origin passkey write rejected', async () => {
    const response = await enrolledClient.post('/api/auth/passkeys/register/options', undefined, {
      origin: 'https://evil.example',
    });
    assertError(response, 403, 'bad_origin');
  });
});

describe('passkey removal', () => {
  test('remove own passkey', async () => {
    const { user, client } = await newClinician();
    const authenticator = new SoftAuthenticator(algorithms.eddsa, baseUrl);
    const passkey = await registerPasskey(client, authenticator, 'Old phone');
    const response = await client.request('DELETE', `/api/auth/passkeys/${passkey.id}`);
    assert.equal(response.status, 204, response.text);
    assertAudited(response, 'auth.passkey_removed', 'allowed', user.id, passkey.id);
    assert.deepEqual((await client.get('/api/auth/passkeys')).body, []);
    assertError(await client.request('DELETE', `/api/auth/passkeys/${passkey.id}`), 404, 'not_found');
  });

  test('last second factor kept', async () => {
    const { user, client } = await newClinician();
    const first = await registerPasskey(client, new SoftAuthenticator(algorithms.es256, baseUrl), 'First');
    const second = await registerPasskey(client, new SoftAuthenticator(algorithms.rs256, baseUrl), 'Second');
    // As after an administrator reset the authenticator app: passkeys only.
    adminQuery('UPDATE users SET totp_enabled = false WHERE id = :\'id\' RETURNING to_json(true);', { id: user.id });

    const allowed = await client.request('DELETE', `/api/auth/passkeys/${first.id}`);
    assert.equal(allowed.status, 204, allowed.text);
    const rejected = await client.request('DELETE', `/api/auth/passkeys/${second.id}`);
    assertError(rejected, 409, 'conflict');
    assertAudited(rejected, 'auth.passkey_removed', 'denied', user.id, second.id);
    assert.deepEqual((await client.get('/api/auth/passkeys')).body.map((item) => item.id), [second.id]);
  });

  test('patient may remove the last passkey', async () => {
    const patient = createUser('patient');
    const { client } = await signIn(patient);
    const passkey = await registerPasskey(client, new SoftAuthenticator(algorithms.es256, baseUrl), 'Phone');
    const response = await client.request('DELETE', `/api/auth/passkeys/${passkey.id}`);
    assert.equal(response.status, 204, response.text);
  });

  test('second factor needs a passkey', async () => {
    const { user } = await newClinician();
    const client = await passwordOnly(user);
    assertError(await client.post('/api/auth/passkeys/verify/options'), 409, 'conflict');
  });
});

describe('passkey as the only second factor', () => {
  test('a password alone cannot enrol TOTP past a passkey', async () => {
    // A patient adds a passkey and is made a clinician: the passkey is their
    // only second factor, and the password must not open a way around it.
    const { user, client } = await newPatient();
    const authenticator = new SoftAuthenticator(algorithms.es256, baseUrl);
    await registerPasskey(client, authenticator, 'Laptop');
    adminQuery("UPDATE users SET role = 'clinician' WHERE id = :'id' RETURNING to_json(true);", { id: user.id });

    const intruder = await passwordOnly({ ...user, role: 'clinician' });
    assert.equal((await intruder.get('/api/auth/session')).body.mfa, 'verify');
    assertError(await intruder.post('/api/auth/totp/enrol'), 403, 'mfa_required');
    assertError(await intruder.post('/api/auth/totp/confirm', { code: '123456' }), 409, 'conflict');
    assertError(await intruder.get('/api/appointments'), 403, 'mfa_required');

    // With the passkey, the same user may add an authenticator app.
    const owner = await passwordOnly({ ...user, role: 'clinician' });
    const verified = await owner.post('/api/auth/passkeys/verify', {
      credential: authenticator.get(await secondFactorOptions(owner)),
    });
    assert.equal(verified.status, 200, verified.text);
    assert.equal((await owner.post('/api/auth/totp/enrol')).status, 200);
  });
});
