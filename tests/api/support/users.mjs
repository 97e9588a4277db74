// Test users, created through `telehealth user add` with random emails so that
// every test file starts from users no other test touches.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { ApiClient } from './client.mjs';
import { binary, configFile } from './env.mjs';
import { totpCode } from './totp.mjs';

// Invented names; any likeness to real persons is accidental.
const givenNames = ['Ilse', 'Kwame', 'Ruairi', 'Noor', 'Tavita', 'Yelena', 'Bashir', 'Odile'];
const familyNames = ['Varga', 'Ekwueme', 'Lindqvist', 'Tamura', 'Oyelaran', 'Castellano'];

/** Returns `length` random lowercase hex characters. */
export function randomSuffix(length = 12) {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

function pick(list) {
  return list[randomBytes(1)[0] % list.length];
}

/**
 * Creates a user with `role` through the CLI and returns
 * `{id, email, password, displayName, role}`.
 */
export function createUser(role) {
  const suffix = randomSuffix();
  const email = `${role}-${suffix}@api-test.telehealth.test`;
  const prefix = role === 'clinician' ? 'Dr ' : '';
  const displayName = `${prefix}${pick(givenNames)} ${pick(familyNames)} ${suffix.slice(0, 4)}`;
  const password = `pw-${randomSuffix(24)}`;

  const output = execFileSync(
    binary,
    ['--config', configFile, 'user', 'add', '--email', email, '--name', displayName, '--role', role],
    { input: `${password}\n`, encoding: 'utf8' },
  );
  const match = /created \S+ ([0-9a-f-]{36})/.exec(output);
  assert.ok(match, `telehealth user add printed no user id: ${output}`);
  return { id: match[1], email, password, displayName, role };
}

/** Signs `user` in on a new client and asserts status 200; returns the client and response. */
export async function signIn(user) {
  const client = new ApiClient(`${user.role} ${user.email}`);
  const response = await client.post('/api/auth/login', { email: user.email, password: user.password });
  assert.equal(response.status, 200, `sign-in of ${user.email}: ${response.text}`);
  assert.ok(client.sessionToken, 'sign-in set no session cookie');
  return { client, response };
}

/** Creates a patient and signs them in; returns `{user, client}`. */
export async function newPatient() {
  const user = createUser('patient');
  const { client } = await signIn(user);
  return { user, client };
}

/**
 * Creates a clinician, signs them in and completes TOTP enrolment with an
 * oathtool code; returns `{user, client, secret}`.
 */
export function newClinician() {
  return newEnrolledUser('clinician');
}

/**
 * Creates a user of `role`, signs them in and completes TOTP enrolment with
 * an oathtool code; returns `{user, client, secret}`.
 */
export async function newEnrolledUser(role) {
  const user = createUser(role);
  const { client } = await signIn(user);

  const enrolment = await client.post('/api/auth/totp/enrol');
  assert.equal(enrolment.status, 200, `TOTP enrolment: ${enrolment.text}`);
  const secret = enrolment.body.secret;

  const confirmation = await client.post('/api/auth/totp/confirm', { code: totpCode(secret) });
  assert.equal(confirmation.status, 200, `TOTP confirmation: ${confirmation.text}`);
  assert.equal(confirmation.body.mfa, 'done');
  return { user, client, secret };
}
