// Single sign-on in Chromium: the sign-in button, the redirects through a
// real OpenID Connect provider on another site, and the web app's first
// request after them. SameSite=Strict cookies are not sent on a navigation
// whose redirect chain was cross-site, so this proves that the app still
// gets its session after the callback.
import AxeBuilder from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { config } from '../api/support/env.mjs';
import { startTestProvider } from '../api/support/oidc_provider.mjs';
import { startServer } from '../api/support/server.mjs';
import { createUser } from '../api/support/users.mjs';
import { launchChromium, newParticipantContext, saveFailureScreenshots } from './support/browser.mjs';

// The documentation's screenshots are refreshed only on request
// (UPDATE_SCREENSHOTS=1), so a test run leaves the checkout unchanged.
const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : fileURLToPath(new URL('./test-results/', import.meta.url));
const clientId = 'telehealth-sso-browser-test';
const clientSecret = randomBytes(32).toString('base64url');

describe('single sign-on in Chromium', () => {
  let provider;
  let telehealth;
  let secretDir;
  let browser;

  before(async () => {
    provider = await startTestProvider();
    secretDir = mkdtempSync(join(tmpdir(), 'th-oidc-browser-'));
    const secretFile = join(secretDir, 'client_secret');
    writeFileSync(secretFile, `${clientSecret}\n`, { mode: 0o600 });
    telehealth = await startServer({
      oidc: {
        issuer: provider.issuer,
        client_id: clientId,
        client_secret_file: secretFile,
        display_name: 'Clinic SSO',
        ca_file: config.tls.certificate,
      },
    });
    provider.register({
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [`${telehealth.url}/api/auth/oidc/callback`],
    });
    browser = await launchChromium();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await telehealth?.stop();
    await provider?.stop();
    if (secretDir) rmSync(secretDir, { recursive: true, force: true });
  });

  // Runs `body` with a new page of a new context, saving a screenshot when it fails.
  async function withPage(name, serverUrl, body) {
    const context = await newParticipantContext(browser, serverUrl);
    const page = await context.newPage();
    try {
      await body(page);
    } catch (error) {
      await saveFailureScreenshots(name, { sso: page });
      throw error;
    } finally {
      await context.close();
    }
  }

  it('clinician signs in with the button', async () => {
    const clinician = createUser('clinician');
    provider.accounts.set(`sub-${clinician.id}`, { email: clinician.email, email_verified: true });
    provider.login = { subject: `sub-${clinician.id}`, amr: ['pwd', 'mfa'] };

    await withPage('sso clinician sign-in', telehealth.url, async (page) => {
      await page.goto('/');
      const button = page.getByTestId('sso-sign-in');
      await button.waitFor();
      assert.equal(await button.textContent(), 'Sign in with Clinic SSO');

      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
      assert.deepEqual(results.violations.map((violation) => violation.id), []);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'sso-sign-in.png'), fullPage: true });

      const callback = page.waitForResponse((response) => response.url().includes('/api/auth/oidc/callback'));
      await button.click();
      assert.equal((await callback).status(), 303);
      // The app's session request after the cross-site chain carries the cookie.
      await page.getByTestId('signed-in-user').waitFor();
      assert.match(await page.getByTestId('signed-in-user').textContent(), new RegExp(clinician.displayName));
      assert.equal(new URL(page.url()).origin, telehealth.url);
    });
  });

  it('patient sees why SSO failed', async () => {
    const patient = createUser('patient');
    provider.accounts.set(`sub-${patient.id}`, { email: patient.email, email_verified: true });
    provider.login = { subject: `sub-${patient.id}`, amr: ['mfa'] };

    await withPage('sso patient rejected', telehealth.url, async (page) => {
      await page.goto('/');
      await page.getByTestId('sso-sign-in').click();
      const error = page.getByTestId('sso-error');
      await error.waitFor();
      assert.equal(
        await error.textContent(),
        'Single sign-on with Clinic SSO failed. Single sign-on is for clinic staff only. Sign in with your email address and password.',
      );
      // The code is removed from the address, so a reload shows no stale error.
      assert.equal(new URL(page.url()).search, '');
      assert.equal(await page.getByTestId('signin-email').count(), 1);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'sso-error.png'), fullPage: true });
    });
  });

  it('no button without SSO configured', async () => {
    const mainServer = process.env.TELEHEALTH_URL;
    await withPage('no sso button', mainServer, async (page) => {
      await page.goto('/');
      await page.getByTestId('signin-email').waitFor();
      const status = await page.request.get('/api/auth/oidc');
      assert.deepEqual(await status.json(), { enabled: false });
      assert.equal(await page.getByTestId('sso-sign-in').count(), 0);
    });
  });
});
