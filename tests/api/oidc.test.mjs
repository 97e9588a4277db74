// Single sign-on through a real OpenID Connect provider: oidc-provider (an
// OpenID Certified implementation) on https loopback, and a second instance
// of our server configured for it. Each rejection must be audited and must
// set no session cookie.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ApiClient, assertError, sessionCookieName } from './support/client.mjs';
import { adminQuery, auditEventsOfRequest } from './support/database.mjs';
import { config } from './support/env.mjs';
import { startTestProvider } from './support/oidc_provider.mjs';
import { startServer } from './support/server.mjs';
import { createUser } from './support/users.mjs';

const clientId = 'telehealth-sso-test';
const clientSecret = randomBytes(32).toString('base64url');
const flowCookieName = '__Host-oidc_flow';
const callbackPath = '/api/auth/oidc/callback';

/**
 * A user agent with one cookie jar per origin that follows no redirect by
 * itself, so each hop can be checked (and tampered with) by the test.
 */
class Browser {
  constructor() {
    this.jars = new Map();
  }

  jar(origin) {
    if (!this.jars.has(origin)) this.jars.set(origin, new Map());
    return this.jars.get(origin);
  }

  cookie(origin, name) {
    return this.jar(origin).get(name);
  }

  async get(url) {
    const { origin } = new URL(url);
    const jar = this.jar(origin);
    const headers = {};
    if (jar.size > 0) headers.Cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, { headers, redirect: 'manual' });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const value = pair.slice(pair.indexOf('=') + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, setCookies, text };
  }
}

describe('single sign-on through OpenID Connect', () => {
  let provider;
  let issuer;
  let telehealth;
  let secretDir;
  let clinician;

  before(async () => {
    provider = await startTestProvider();
    issuer = provider.issuer;

    secretDir = mkdtempSync(join(tmpdir(), 'th-oidc-'));
    const secretFile = join(secretDir, 'client_secret');
    writeFileSync(secretFile, `${clientSecret}\n`, { mode: 0o600 });
    telehealth = await startServer({
      oidc: {
        issuer,
        client_id: clientId,
        client_secret_file: secretFile,
        display_name: 'Clinic SSO',
        scopes: ['openid', 'email'],
        ca_file: config.tls.certificate,
        mfa_amr: ['mfa', 'otp'],
      },
    });

    // The prefix URI is registered too, standing in for a provider that
    // compares redirect URIs by prefix, so the attack reaches our server.
    provider.register({
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [`${telehealth.url}${callbackPath}`, `${telehealth.url}${callbackPath}-evil`],
    });

    clinician = createUser('clinician');
    provider.accounts.set(`sub-${clinician.id}`, { email: clinician.email.toUpperCase(), email_verified: true });
  });

  after(async () => {
    await telehealth?.stop();
    await provider?.stop();
    if (secretDir) rmSync(secretDir, { recursive: true, force: true });
  });

  // Starts a sign-in at our server and follows it through the provider up
  // to (not including) our callback. `tamperAuthorization` may change the
  // authorization URL. Returns the browser and the callback URL.
  async function throughProvider(login, tamperAuthorization = (url) => url) {
    provider.login = login;
    const browser = new Browser();
    const started = await browser.get(`${telehealth.url}/api/auth/oidc/start`);
    assert.equal(started.status, 302, started.text);
    assert.ok(browser.cookie(telehealth.url, flowCookieName), 'start set no flow cookie');
    const flowCookie = started.setCookies.find((line) => line.startsWith(`${flowCookieName}=`));
    assert.match(flowCookie, /; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=600$/);

    const authorization = new URL(started.headers.get('location'));
    assert.equal(authorization.origin, issuer);
    assert.equal(authorization.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorization.searchParams.get('redirect_uri'), `${telehealth.url}${callbackPath}`);

    let url = tamperAuthorization(authorization).toString();
    for (let hop = 0; hop < 10; hop += 1) {
      const response = await browser.get(url);
      assert.ok([302, 303].includes(response.status), `provider answered ${response.status}: ${response.text}`);
      url = new URL(response.headers.get('location'), url).toString();
      if (url.startsWith(telehealth.url)) return { browser, callbackUrl: new URL(url) };
    }
    throw new Error('the provider did not redirect back to the server');
  }

  // Asserts a rejected callback: a redirect to the sign-in page naming
  // `reason`, no session cookie, the flow cookie cleared, and the audit event.
  async function assertRejected(browser, callbackUrl, reason, userId = null) {
    const response = await browser.get(callbackUrl.toString());
    assert.equal(response.status, 303, response.text);
    assert.equal(response.headers.get('location'), `/?sso_error=${reason}`);
    assert.equal(browser.cookie(telehealth.url, sessionCookieName), undefined, 'a session cookie was set');
    assert.ok(!response.setCookies.some((line) => line.startsWith(`${sessionCookieName}=`)));
    assert.equal(browser.cookie(telehealth.url, flowCookieName), undefined, 'the flow cookie was kept');

    const events = auditEventsOfRequest(response.headers.get('x-request-id'));
    assert.equal(events.length, 1, JSON.stringify(events));
    assert.equal(events[0].event_type, 'auth.oidc_login');
    assert.equal(events[0].outcome, 'denied');
    assert.equal(events[0].record_type, 'oidc_reason');
    assert.equal(events[0].record_id, reason);
    assert.equal(events[0].actor_id, userId);
  }

  async function sessionOf(browser) {
    const token = browser.cookie(telehealth.url, sessionCookieName);
    assert.ok(token, 'no session cookie');
    const response = await fetch(`${telehealth.url}/api/auth/session`, {
      headers: { Cookie: `${sessionCookieName}=${token}` },
    });
    assert.equal(response.status, 200);
    return response.json();
  }

  test('status endpoint names the provider', async () => {
    const response = await fetch(`${telehealth.url}/api/auth/oidc`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      enabled: true,
      display_name: 'Clinic SSO',
      start_url: '/api/auth/oidc/start',
    });
  });

  test('SSO routes absent without configuration', async () => {
    // The main test server has no oidc section.
    const anonymous = new ApiClient('anonymous');
    const status = await anonymous.get('/api/auth/oidc');
    assert.equal(status.status, 200);
    assert.deepEqual(status.body, { enabled: false });
    assertError(await anonymous.get('/api/auth/oidc/start'), 404, 'not_found');
    assertError(await anonymous.get(`${callbackPath}?code=x&state=y`), 404, 'not_found');
  });

  test('untrusted provider certificate rejected', async () => {
    // Without ca_file the self-signed test certificate chains to nothing in
    // the system's trust store.
    const untrusting = await startServer({
      oidc: { issuer, client_id: clientId, client_secret_file: join(secretDir, 'client_secret'), display_name: 'Clinic SSO' },
    });
    try {
      const browser = new Browser();
      const started = await browser.get(`${untrusting.url}/api/auth/oidc/start`);
      assert.equal(started.status, 303, started.text);
      assert.equal(started.headers.get('location'), '/?sso_error=provider_unavailable');
      assert.equal(browser.cookie(untrusting.url, flowCookieName), undefined);
    } finally {
      await untrusting.stop();
    }
  });

  test('clinician with MFA at the provider', async () => {
    const { browser, callbackUrl } = await throughProvider({
      subject: `sub-${clinician.id}`,
      amr: ['pwd', 'otp'],
    });
    assert.equal(callbackUrl.pathname, callbackPath);
    const response = await browser.get(callbackUrl.toString());
    assert.equal(response.status, 303, response.text);
    assert.equal(response.headers.get('location'), '/');
    const sessionCookie = response.setCookies.find((line) => line.startsWith(`${sessionCookieName}=`));
    assert.match(sessionCookie, /; Path=\/; Secure; HttpOnly; SameSite=Strict; Max-Age=\d+$/);

    const session = await sessionOf(browser);
    assert.equal(session.user.id, clinician.id);
    assert.equal(session.user.role, 'clinician');
    assert.equal(session.mfa, 'done');

    const events = auditEventsOfRequest(response.headers.get('x-request-id'));
    assert.deepEqual(
      events.map((event) => [event.event_type, event.outcome, event.record_id, event.actor_id]),
      [['auth.oidc_login', 'allowed', 'mfa_at_provider', clinician.id]],
    );
    // The state is single use: the same callback again is rejected.
    const replay = await browser.get(callbackUrl.toString());
    assert.equal(replay.status, 303);
    assert.equal(replay.headers.get('location'), '/?sso_error=state_mismatch');
    assert.ok(!replay.setCookies.some((line) => line.startsWith(`${sessionCookieName}=`)));

    const links = adminQuery(
      `SELECT json_agg(json_build_object('issuer', issuer, 'subject', subject))
         FROM oidc_identities WHERE user_id = :'id';`,
      { id: clinician.id },
    );
    assert.deepEqual(links, [{ issuer, subject: `sub-${clinician.id}` }]);
  });

  test('clinician without MFA must still pass TOTP', async () => {
    // Once linked, the subject alone identifies the user: a changed address
    // at the provider does not matter.
    provider.accounts.set(`sub-${clinician.id}`, { email: `moved-${clinician.email}`, email_verified: true });
    const { browser, callbackUrl } = await throughProvider({ subject: `sub-${clinician.id}`, amr: ['pwd'] });
    const response = await browser.get(callbackUrl.toString());
    assert.equal(response.status, 303, response.text);
    assert.equal(response.headers.get('location'), '/');
    const session = await sessionOf(browser);
    assert.equal(session.user.id, clinician.id);
    assert.equal(session.mfa, 'enrol');

    const token = browser.cookie(telehealth.url, sessionCookieName);
    const appointments = await fetch(`${telehealth.url}/api/appointments`, {
      headers: { Cookie: `${sessionCookieName}=${token}` },
    });
    assert.equal(appointments.status, 403);
    assert.equal((await appointments.json()).error.code, 'mfa_required');

    const events = auditEventsOfRequest(response.headers.get('x-request-id'));
    assert.deepEqual(
      events.map((event) => [event.event_type, event.outcome, event.record_id]),
      [['auth.oidc_login', 'allowed', 'mfa_pending']],
    );
  });

  test('tampered state rejected', async () => {
    const { browser, callbackUrl } = await throughProvider({ subject: `sub-${clinician.id}`, amr: ['mfa'] });
    const state = callbackUrl.searchParams.get('state');
    callbackUrl.searchParams.set('state', `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`);
    await assertRejected(browser, callbackUrl, 'state_mismatch');
  });

  test('callback naming another issuer rejected', async () => {
    const { browser, callbackUrl } = await throughProvider({ subject: `sub-${clinician.id}`, amr: ['mfa'] });
    // RFC 9207: oidc-provider names itself in the response; a mix-up attack
    // would deliver another provider's response to our callback.
    assert.equal(callbackUrl.searchParams.get('iss'), issuer);
    callbackUrl.searchParams.set('iss', 'https://attacker.example.test');
    await assertRejected(browser, callbackUrl, 'issuer_mismatch');
  });

  test('callback without flow cookie rejected', async () => {
    const { browser, callbackUrl } = await throughProvider({ subject: `sub-${clinician.id}`, amr: ['mfa'] });
    browser.jar(telehealth.url).delete(flowCookieName);
    await assertRejected(browser, callbackUrl, 'browser_mismatch');
  });

  test('wrong nonce rejected', async () => {
    const { browser, callbackUrl } = await throughProvider(
      { subject: `sub-${clinician.id}`, amr: ['mfa'] },
      (url) => {
        url.searchParams.set('nonce', randomBytes(32).toString('base64url'));
        return url;
      },
    );
    await assertRejected(browser, callbackUrl, 'nonce_mismatch');
  });

  test('redirect URI sharing only a prefix rejected', async () => {
    const { browser, callbackUrl } = await throughProvider(
      { subject: `sub-${clinician.id}`, amr: ['mfa'] },
      (url) => {
        url.searchParams.set('redirect_uri', `${telehealth.url}${callbackPath}-evil`);
        return url;
      },
    );
    assert.equal(callbackUrl.pathname, `${callbackPath}-evil`);
    // Our callback route is exact: the look-alike path does not exist.
    const lookAlike = await browser.get(callbackUrl.toString());
    assert.equal(lookAlike.status, 404);
    assert.ok(!lookAlike.setCookies.some((line) => line.startsWith(`${sessionCookieName}=`)));

    // Replayed at the real callback, the code is redeemed with our one
    // registered redirect URI, which the provider finds does not match.
    const replay = new URL(callbackUrl);
    replay.pathname = callbackPath;
    await assertRejected(browser, replay, 'token_exchange_failed');
  });

  test('ID token signed by another key rejected', async () => {
    provider.signWithOtherKey = true;
    try {
      const { browser, callbackUrl } = await throughProvider({ subject: `sub-${clinician.id}`, amr: ['mfa'] });
      await assertRejected(browser, callbackUrl, 'bad_signature');
    } finally {
      provider.signWithOtherKey = false;
    }
  });

  test('patient refused', async () => {
    const patient = createUser('patient');
    provider.accounts.set(`sub-${patient.id}`, { email: patient.email, email_verified: true });
    const { browser, callbackUrl } = await throughProvider({ subject: `sub-${patient.id}`, amr: ['mfa'] });
    await assertRejected(browser, callbackUrl, 'role_not_allowed', patient.id);
    const links = adminQuery(`SELECT to_json(count(*)) FROM oidc_identities WHERE user_id = :'id';`, {
      id: patient.id,
    });
    assert.equal(links, 0);
  });

  test('unverified email not linked', async () => {
    const admin = createUser('admin');
    provider.accounts.set(`sub-${admin.id}`, { email: admin.email, email_verified: false });
    const { browser, callbackUrl } = await throughProvider({ subject: `sub-${admin.id}`, amr: ['mfa'] });
    await assertRejected(browser, callbackUrl, 'email_not_verified');
  });

  test('unknown email refused', async () => {
    provider.accounts.set('sub-stranger', { email: `stranger-${randomBytes(4).toString('hex')}@elsewhere.test`, email_verified: true });
    const { browser, callbackUrl } = await throughProvider({ subject: 'sub-stranger', amr: ['mfa'] });
    await assertRejected(browser, callbackUrl, 'no_account');
  });

  test('deactivated user refused after linking', async () => {
    const auditor = createUser('auditor');
    provider.accounts.set(`sub-${auditor.id}`, { email: auditor.email, email_verified: true });
    const first = await throughProvider({ subject: `sub-${auditor.id}`, amr: ['mfa'] });
    const signedIn = await first.browser.get(first.callbackUrl.toString());
    assert.equal(signedIn.headers.get('location'), '/');

    adminQuery(`UPDATE users SET active = false WHERE id = :'id' RETURNING to_json(id);`, { id: auditor.id });
    const { browser, callbackUrl } = await throughProvider({ subject: `sub-${auditor.id}`, amr: ['mfa'] });
    await assertRejected(browser, callbackUrl, 'user_inactive', auditor.id);
  });

  // Last, because afterwards the server caches only the rotated key.
  test('rotated key fetched again', async () => {
    // The server fetches the JWKS again for an unknown kid at most once per
    // 10 seconds, and the earlier tests fetched it recently.
    await new Promise((resolve) => setTimeout(resolve, 10_500));
    provider.rotateKey = true;
    try {
      const { browser, callbackUrl } = await throughProvider({ subject: `sub-${clinician.id}`, amr: ['mfa'] });
      const response = await browser.get(callbackUrl.toString());
      assert.equal(response.status, 303, response.text);
      assert.equal(response.headers.get('location'), '/');
      assert.equal((await sessionOf(browser)).user.id, clinician.id);
    } finally {
      provider.rotateKey = false;
    }
  });
});
