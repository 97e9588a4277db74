// Account security in the web app, in Chromium: TOTP enrolment and sign-in
// with oathtool codes, recovery codes, the session list, and automatic
// logoff with its warning on a server whose idle timeout is 30 seconds.
import AxeBuilder from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { startServer } from '../api/support/server.mjs';
import { enrolTotp, navLink, signIn } from './support/app.mjs';
import { launchChromium, newParticipantContext, saveFailureScreenshots } from './support/browser.mjs';
import { readTestEnvironment } from './support/environment.mjs';
import { totpCode } from './support/totp.mjs';
import { createUser } from './support/users.mjs';

const TIME_STEP_MS = 30_000;
const IDLE_TIMEOUT_SECONDS = 30;

// Waits until a new 30-second TOTP step has begun (plus a little), so a code
// computed now is for a later step than the one enrolment used.
async function waitForNextTimeStep() {
  await sleep(TIME_STEP_MS - (Date.now() % TIME_STEP_MS) + 500);
}

async function signOut(page) {
  await page.getByTestId('sign-out').click();
  await page.getByTestId('signin-email').waitFor();
}

async function assertNoAxeViolations(page, pageName) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  const found = results.violations.map((violation) => `${violation.id}: ${violation.help}`);
  assert.deepEqual(found, [], `axe found WCAG 2 A/AA violations on the ${pageName}`);
}

describe('account security', { timeout: 240_000 }, () => {
  const environment = readTestEnvironment();
  let browser;
  let page;

  before(async () => {
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
  });

  it('enrols TOTP, signs in with a recovery code and with an oathtool code', { timeout: 120_000 }, async () => {
    const context = await newParticipantContext(browser, environment.serverUrl);
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      const clinician = createUser(environment, {
        role: 'clinician',
        displayName: 'Dr Ottilie Brannagh',
        emailLocalPart: 'account-clinician',
      });
      const login = await signIn(page, clinician);
      assert.equal(login.mfa, 'enrol');
      const { secret } = await enrolTotp(page);

      await navLink(page, 'Security').click();
      await page.getByTestId('session-list').waitFor();
      assert.equal(await page.getByTestId('session-row').count(), 1);
      await page.getByTestId('recovery-generate').click();
      const codes = (await page.getByTestId('recovery-codes').locator('li').allTextContents()).map((code) => code.trim());
      assert.equal(codes.length, 10);
      await assertNoAxeViolations(page, 'security page');

      // A lost authenticator: a recovery code completes sign-in once.
      await signOut(page);
      assert.equal((await signIn(page, clinician)).mfa, 'verify');
      await page.getByTestId('toggle-recovery').click();
      await page.getByTestId('recovery-code').fill(codes[0]);
      await page.getByTestId('recovery-submit').click();
      await navLink(page, 'Security').click();
      await page.getByText('You have 9 unused recovery codes.').waitFor();

      // The same code a second time is refused.
      await signOut(page);
      await signIn(page, clinician);
      await page.getByTestId('toggle-recovery').click();
      await page.getByTestId('recovery-code').fill(codes[0]);
      await page.getByTestId('recovery-submit').click();
      await page.getByTestId('recovery-error').waitFor();

      // The authenticator again, with a code from a later time step.
      await page.getByTestId('toggle-recovery').click();
      await waitForNextTimeStep();
      await page.getByTestId('totp-code').fill(totpCode(secret));
      await page.getByTestId('totp-submit').click();
      await navLink(page, 'Availability').waitFor();
    } catch (error) {
      await saveFailureScreenshots('account totp and recovery', { clinician: page });
      throw error;
    } finally {
      await context.close();
    }
  });

  it('warns before automatic logoff and clears the app when it happens', { timeout: 120_000 }, async () => {
    const server = await startServer({ session: { idle_timeout_seconds: IDLE_TIMEOUT_SECONDS } });
    const context = await newParticipantContext(browser, server.url);
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      const patient = createUser(environment, {
        role: 'patient',
        displayName: 'Persephone Achterberg',
        emailLocalPart: 'idle-patient',
      });
      await signIn(page, patient);
      await page.getByTestId('signed-in-user').waitFor();

      // The warning shows in the last third of a 30-second timeout.
      const warning = page.getByTestId('idle-warning');
      await warning.waitFor({ timeout: IDLE_TIMEOUT_SECONDS * 1000 });
      assert.match(await warning.textContent(), /signed out in \d+ seconds? because of inactivity/);
      await page.getByTestId('idle-stay').click();
      await warning.waitFor({ state: 'hidden' });

      // Left alone, the session ends: the sign-in page replaces the app.
      await page.getByTestId('signin-email').waitFor({ timeout: (IDLE_TIMEOUT_SECONDS + 10) * 1000 });
      assert.match(await page.locator('main').textContent(), /signed out after 30 seconds without activity/);
      assert.equal(await page.getByTestId('signed-in-user').count(), 0);
      const session = await page.request.get('/api/auth/session');
      assert.equal(session.status(), 401, 'the server still accepts the idle session');
    } catch (error) {
      await saveFailureScreenshots('idle logout', { patient: page });
      throw error;
    } finally {
      await context.close();
      await server.stop();
    }
  });
});
