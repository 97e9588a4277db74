// Steps through the web app that several tests share: signing in, TOTP
// enrolment and the main navigation.
import assert from 'node:assert/strict';
import { nextStepCode } from '../../api/support/admin.mjs';
import { totpCode, waitForTimeStepMargin } from './totp.mjs';

/** Signs in from the sign-in page and waits until the app has accepted the password. */
export async function signIn(page, user) {
  await page.goto('/');
  await page.getByTestId('signin-email').fill(user.email);
  await page.getByTestId('signin-password').fill(user.password);
  const response = page.waitForResponse(
    (candidate) => candidate.url().endsWith('/api/auth/login') && candidate.request().method() === 'POST',
  );
  await page.getByTestId('signin-submit').click();
  const login = await response;
  assert.equal(login.status(), 200, `sign-in of ${user.email} should return 200, got ${login.status()}`);
  return login.json();
}

/**
 * Signs in a user with TOTP enrolled (`{user, secret}`, as newEnrolledUser
 * returns) and waits for the signed-in page. The TOTP code is that of the
 * next time step, so a code spent by an earlier sign-in is never replayed.
 */
export async function signInWithTotp(page, enrolled) {
  await signIn(page, enrolled.user);
  await page.getByTestId('totp-code').fill(nextStepCode(enrolled.secret));
  await page.getByTestId('totp-submit').click();
  await page.getByTestId('signed-in-user').waitFor();
}

/**
 * Completes TOTP enrolment on the enrolment page. It reads the secret shown
 * as text, computes the current code with oathtool and confirms it, then
 * returns the secret, the QR code image's src and the confirmation body.
 */
export async function enrolTotp(page) {
  const secretElement = page.getByTestId('totp-secret');
  await secretElement.waitFor();
  const secret = (await secretElement.textContent()).replace(/\s+/g, '');
  assert.match(secret, /^[A-Z2-7]+=*$/, `the TOTP secret on the page should be base32, got "${secret}"`);

  const qrCode = page.getByTestId('totp-qr');
  await qrCode.waitFor();
  const qrSource = await qrCode.getAttribute('src');

  await waitForTimeStepMargin();
  await page.getByTestId('totp-code').fill(totpCode(secret));
  const response = page.waitForResponse(
    (candidate) => candidate.url().endsWith('/api/auth/totp/confirm') && candidate.request().method() === 'POST',
  );
  await page.getByTestId('totp-submit').click();
  const confirm = await response;
  assert.equal(confirm.status(), 200, `TOTP confirmation should return 200, got ${confirm.status()}`);
  return { secret, qrSource, session: await confirm.json() };
}

/** Returns the link of the main navigation with exactly this name. */
export function navLink(page, name) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

/** Returns the signed-in user of the page's browser context, from GET /api/auth/session. */
export async function readSessionUser(page) {
  const response = await page.request.get('/api/auth/session');
  assert.equal(response.status(), 200, `GET /api/auth/session should return 200, got ${response.status()}`);
  const body = await response.json();
  return body.user;
}
