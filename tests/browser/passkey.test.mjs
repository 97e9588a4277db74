// A clinician registers a passkey in the web app with Chrome's virtual
// authenticator (DevTools protocol WebAuthn domain: CTAP2, internal
// transport, resident keys, user verification), uses it as the second factor
// after a password, then signs in with the passkey alone. The audit log and
// the stored signature counter are checked with psql.
//
// The steps share state and run in order; once one fails, the rest are
// skipped.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { enrolTotp, navLink, readSessionUser, signIn } from './support/app.mjs';
import { launchChromium, newParticipantContext } from './support/browser.mjs';
import { queryScalar } from './support/database.mjs';
import { readTestEnvironment } from './support/environment.mjs';
import { checkAccessibility, orderedSteps } from './support/steps.mjs';
import { createUser, randomSuffix } from './support/users.mjs';

const SUITE_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 45_000;
const ACTION_TIMEOUT_MS = 15_000;
const HOOK_TIMEOUT_MS = 30_000;

/** Waits for the response of `method path` that `action` triggers and returns it. */
async function responseOf(page, method, path, action) {
  const response = page.waitForResponse(
    (candidate) => candidate.url().endsWith(path) && candidate.request().method() === method,
  );
  await action();
  return response;
}

describe('passkey sign-in', { timeout: SUITE_TIMEOUT_MS }, () => {
  const environment = readTestEnvironment();
  const suffix = randomSuffix();
  const passkeyName = `Work laptop ${suffix}`;
  let browser;
  let page;
  let cdp;
  let authenticatorId;
  let clinician;

  const step = orderedSteps('passkey', () => ({ clinician: page }), STEP_TIMEOUT_MS);

  /** Returns `event_type outcome` of the clinician's passkey audit events, oldest first. */
  function passkeyEvents() {
    const text = queryScalar(
      environment.adminDsn,
      `SELECT event_type || ' ' || outcome FROM audit_events
        WHERE actor_id = :'id' AND event_type LIKE 'auth.passkey%' ORDER BY seq;`,
      { id: clinician.id },
    );
    return text === '' ? [] : text.split('\n');
  }

  before(async () => {
    clinician = createUser(environment, {
      role: 'clinician',
      displayName: `Dr Ottoline Marsh ${suffix}`,
      emailLocalPart: 'browser-passkey',
    });
    browser = await launchChromium();
    const context = await newParticipantContext(browser, environment.serverUrl);
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    page = await context.newPage();

    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const added = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    authenticatorId = added.authenticatorId;
  }, { timeout: HOOK_TIMEOUT_MS });

  after(async () => {
    await browser?.close();
  }, { timeout: HOOK_TIMEOUT_MS });

  step('clinician enrols TOTP', async () => {
    const login = await signIn(page, clinician);
    assert.equal(login.mfa, 'enrol');
    const enrolment = await enrolTotp(page);
    assert.equal(enrolment.session.mfa, 'done');
    clinician.id = (await readSessionUser(page)).id;
  });

  step('clinician adds a passkey', async () => {
    await navLink(page, 'Security').click();
    await page.getByRole('heading', { name: 'Passkeys' }).waitFor();
    await page.getByTestId('passkeys-empty').waitFor();

    await page.getByTestId('passkey-name').fill(passkeyName);
    const registration = await responseOf(page, 'POST', '/api/auth/passkeys', () =>
      page.getByTestId('passkey-add').click(),
    );
    assert.equal(registration.status(), 201, `POST /api/auth/passkeys: ${await registration.text()}`);
    const passkey = await registration.json();
    assert.equal(passkey.name, passkeyName);
    // Chrome's virtual authenticator picks ES256 from the offered list.
    assert.ok([-7, -8, -257].includes(passkey.algorithm), `algorithm ${passkey.algorithm}`);

    await page.getByTestId('passkey-status').filter({ hasText: `Passkey "${passkeyName}" added.` }).waitFor();
    const items = page.getByTestId('passkey-item');
    await items.first().waitFor();
    assert.equal(await items.count(), 1);
    assert.match(await items.first().textContent(), new RegExp(passkeyName));

    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1, 'the virtual authenticator should hold one credential');
    assert.equal(credentials[0].isResidentCredential, true, 'the passkey should be discoverable');
    assert.equal(credentials[0].rpId, new URL(environment.serverUrl).hostname);

    await checkAccessibility(page, 'passkeys page');
  });

  step('passkey as second factor', async () => {
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-email').waitFor();
    const login = await signIn(page, clinician);
    assert.equal(login.mfa, 'verify');

    const verification = await responseOf(page, 'POST', '/api/auth/passkeys/verify', () =>
      page.getByTestId('passkey-second-factor').click(),
    );
    assert.equal(verification.status(), 200, `POST /api/auth/passkeys/verify: ${await verification.text()}`);
    assert.equal((await verification.json()).mfa, 'done');
    await page.getByTestId('signed-in-user').filter({ hasText: clinician.displayName }).waitFor();
  });

  step('clinician signs in with the passkey alone', async () => {
    await page.getByTestId('sign-out').click();
    await page.getByTestId('passkey-sign-in').waitFor();

    const login = await responseOf(page, 'POST', '/api/auth/passkeys/login', () =>
      page.getByTestId('passkey-sign-in').click(),
    );
    assert.equal(login.status(), 200, `POST /api/auth/passkeys/login: ${await login.text()}`);
    const session = await login.json();
    assert.equal(session.user.id, clinician.id);
    assert.equal(session.mfa, 'done', 'a user-verified passkey completes both factors');

    await page.getByTestId('signed-in-user').filter({ hasText: clinician.displayName }).waitFor();
    await navLink(page, 'Appointments').click();
    await page.getByRole('heading', { name: 'Appointments' }).first().waitFor();
    assert.equal((await readSessionUser(page)).id, clinician.id);
  });

  step('audit log records the passkey events', async () => {
    assert.deepEqual(passkeyEvents(), [
      'auth.passkey_registered allowed',
      'auth.passkey_verified allowed',
      'auth.passkey_login allowed',
    ]);
    const signCount = Number(
      queryScalar(environment.adminDsn, `SELECT sign_count FROM webauthn_credentials WHERE user_id = :'id';`, {
        id: clinician.id,
      }),
    );
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(signCount, credentials[0].signCount, 'the server should store the authenticator\'s last counter');
  });
});
