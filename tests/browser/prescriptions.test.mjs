// Prescribing in headless Chromium. A clinician picks an inhaler from the
// formulary on the patient's records page. The server rejects an impossible
// quantity and then a route the product does not allow, and the page shows
// each rejection on its field (aria-invalid, the message beside it, focus
// moved there). The corrected prescription is saved with hostile markup in its instructions,
// then cancelled with a hostile reason; the history lists both versions, and
// clinician and patient see the text as text, with no element created and no
// script run. Each page is checked with axe.
//
// The steps share state and run in order; once one fails, the rest are
// skipped. Run through scripts/test.sh (see tests/browser/README.md).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { bookAppointment } from '../api/support/scheduling.mjs';
import { randomSuffix } from '../api/support/users.mjs';
import { navLink, signIn, signInWithTotp } from './support/app.mjs';
import { launchChromium, openRolePages } from './support/browser.mjs';
import { readTestEnvironment } from './support/environment.mjs';
import { newClinicianAndPatient } from './support/people.mjs';
import { checkAccessibility, orderedSteps } from './support/steps.mjs';

const SUITE_TIMEOUT_MS = 170_000;
const STEP_TIMEOUT_MS = 60_000;
const ACTION_TIMEOUT_MS = 15_000;
const HOOK_TIMEOUT_MS = 60_000;

const scriptPayload = '<script>window.__xss=1</script>';
const imagePayload = '<img src=x onerror="window.__xss=1">';

/** Returns the text of the element(s) that the element's aria-describedby names. */
async function describedText(page, locator) {
  const describedBy = (await locator.getAttribute('aria-describedby')) ?? '';
  assert.ok(describedBy, 'the invalid input should point at its error message');
  const texts = await page.locator(describedBy.split(' ').map((id) => `[id="${id}"]`).join(', ')).allTextContents();
  return texts.join(' ');
}

/** Asserts that no injected element exists on the page and no injected script ran. */
async function assertInert(page, where) {
  assert.equal(await page.evaluate(() => window.__xss), undefined, `${where}: an injected script ran`);
  assert.equal(await page.locator('main img[src="x"]').count(), 0, `${where}: an injected image element exists`);
  assert.equal(
    await page.locator('main script').count(),
    0,
    `${where}: an injected script element exists in the page content`,
  );
}

describe('prescriptions', { timeout: SUITE_TIMEOUT_MS }, () => {
  const environment = readTestEnvironment();
  const marker = `rxmark${randomSuffix(10)}`;
  const instructions = `Use a spacer. ${scriptPayload} ${imagePayload} ${marker}`;
  const cancelReason = `Switched to a nebuliser. ${imagePayload} ${scriptPayload}`;

  let browser;
  const pages = { clinician: undefined, patient: undefined };
  let clinician;
  let patient;

  const step = orderedSteps('prescriptions', () => pages, STEP_TIMEOUT_MS);
  const recordsPath = () => `/#/patients/${patient.user.id}/records`;
  const isPrescriptionPost = (candidate) =>
    candidate.url().endsWith(`/api/patients/${patient.user.id}/prescriptions`) &&
    candidate.request().method() === 'POST';

  before(async () => {
    ({ clinician, patient } = await newClinicianAndPatient());
    await bookAppointment(clinician, patient, 40);

    browser = await launchChromium();
    Object.assign(pages, await openRolePages(browser, environment.serverUrl, Object.keys(pages), ACTION_TIMEOUT_MS));
  }, { timeout: HOOK_TIMEOUT_MS });

  after(async () => {
    await browser?.close();
  }, { timeout: HOOK_TIMEOUT_MS });

  step('clinician picks a formulary product', async () => {
    const page = pages.clinician;
    await signInWithTotp(page, clinician);
    await page.goto(recordsPath());

    await page.getByTestId('prescription-drug-search').fill('salb');
    // The formulary loads after the page; an option is never visible, so wait until it exists.
    await page.getByTestId('prescription-drug').locator('option[value="745679"]').waitFor({ state: 'attached' });
    const options = await page.getByTestId('prescription-drug').locator('option').allTextContents();
    assert.deepEqual(options, [
      'Choose a product',
      '200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler',
      'albuterol 5 MG/ML Inhalation Solution',
    ]);
    await page.getByTestId('prescription-drug').selectOption('745679');
    const product = page.getByTestId('prescription-product');
    assert.equal(await page.getByTestId('prescription-product-routes').textContent(), 'inhalation');
    assert.ok((await product.textContent()).includes('metered dose inhaler'), 'the dose form should be shown');
    assert.ok((await product.textContent()).includes('90 micrograms per actuation'), 'the strength should be shown');
  });

  step('impossible quantity highlighted', async () => {
    const page = pages.clinician;
    await page.getByTestId('prescription-dose').fill('2');
    await page.getByTestId('prescription-frequency').selectOption('four_times_daily');
    await page.getByTestId('prescription-duration').fill('30');
    // 2 actuations four times daily for 30 days need 2 inhalers of 200.
    await page.getByTestId('prescription-quantity').fill('1');
    await page.getByTestId('prescription-instructions').fill(instructions);

    const response = page.waitForResponse(isPrescriptionPost);
    await page.getByTestId('prescription-save').click();
    const rejected = await response;
    const rejection = await rejected.json();
    assert.equal(rejected.status(), 422);
    assert.equal(rejection.error.field, 'quantity');

    const quantity = page.locator('[data-testid="prescription-quantity"][aria-invalid="true"]');
    await quantity.waitFor();
    const message = await describedText(page, quantity);
    assert.ok(
      message.includes('Is less than dose x frequency x duration needs'),
      `the server's quantity message should be beside the input, got: ${message}`,
    );
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'prescription-quantity');
    assert.equal(await page.getByTestId('prescription-route').getAttribute('aria-invalid'), null);
    await checkAccessibility(page, 'records page with a rejected quantity');
  });

  step('route the product does not allow highlighted', async () => {
    const page = pages.clinician;
    await page.getByTestId('prescription-quantity').fill('2');
    await page.getByTestId('prescription-route').selectOption('oral');

    const response = page.waitForResponse(isPrescriptionPost);
    await page.getByTestId('prescription-save').click();
    const rejected = await response;
    assert.equal(rejected.status(), 422);
    assert.equal((await rejected.json()).error.field, 'route');

    const route = page.locator('[data-testid="prescription-route"][aria-invalid="true"]');
    await route.waitFor();
    const message = await describedText(page, route);
    assert.ok(
      message.includes('Is not a route this product allows; use inhalation'),
      `the server's route message should be beside the input, got: ${message}`,
    );
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'prescription-route');
    assert.equal(await page.getByTestId('prescription-quantity').getAttribute('aria-invalid'), null);
  });

  step('corrected prescription saved', async () => {
    const page = pages.clinician;
    await page.getByTestId('prescription-route').selectOption('inhalation');
    const response = page.waitForResponse(isPrescriptionPost);
    await page.getByTestId('prescription-save').click();
    const saved = await response;
    assert.equal(saved.status(), 201);
    assert.equal((await saved.json()).instructions, instructions);
    await page.getByTestId('prescription-saved').waitFor();

    const item = page.getByTestId('prescription-item').filter({ hasText: marker });
    await item.waitFor();
    assert.equal(await item.getByTestId('prescription-instructions-text').textContent(), instructions);
    assert.equal(
      await item.getByTestId('prescription-summary').textContent(),
      '200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler: 2 actuations, inhalation, four times daily for 30 days; quantity 2 inhalers',
    );
    await assertInert(page, 'clinician records page');
  });

  step('clinician cancels with a reason', async () => {
    const page = pages.clinician;
    const item = page.getByTestId('prescription-item').filter({ hasText: marker });
    await item.getByTestId('prescription-cancel-open').click();

    await item.getByTestId('prescription-cancel-submit').click();
    const reason = item.locator('[data-testid="prescription-cancel-reason"][aria-invalid="true"]');
    await reason.waitFor();
    assert.equal(await describedText(page, reason), 'The patient can read the reason. Error: Say why the prescription is cancelled.');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'prescription-cancel-reason');

    await item.getByTestId('prescription-cancel-reason').fill(cancelReason);
    const response = page.waitForResponse((candidate) => candidate.url().endsWith('/cancel'));
    await item.getByTestId('prescription-cancel-submit').click();
    assert.equal((await response).status(), 200);

    const cancelled = page.locator('[data-testid="prescription-item"][data-status="cancelled"]').filter({ hasText: marker });
    await cancelled.waitFor();
    assert.equal(await cancelled.getByTestId('prescription-cancel-open').count(), 0, 'a cancelled prescription offers no cancel');
    await assertInert(page, 'clinician records page after cancelling');
  });

  step('history lists both versions', async () => {
    const page = pages.clinician;
    const item = page.getByTestId('prescription-item').filter({ hasText: marker });
    await item.getByTestId('prescription-history-toggle').click();
    const versions = item.getByTestId('prescription-version');
    await versions.nth(1).waitFor();
    assert.equal(await versions.count(), 2);
    assert.ok((await versions.nth(0).textContent()).startsWith(`Version 1: issued by ${clinician.user.displayName}`));
    assert.ok((await versions.nth(1).textContent()).startsWith(`Version 2: cancelled by ${clinician.user.displayName}`));
    assert.equal(await versions.nth(1).getByTestId('prescription-version-reason').textContent(), `Reason: ${cancelReason}`);
    await assertInert(page, 'clinician history');
    await checkAccessibility(page, 'records page with a prescription history');
  });

  step('patient sees the cancelled prescription as text', async () => {
    const page = pages.patient;
    await signIn(page, patient.user);
    await navLink(page, 'My records').click();
    const item = page.locator('[data-testid="prescription-item"][data-status="cancelled"]').filter({ hasText: marker });
    await item.waitFor();
    assert.equal(await item.getByTestId('prescription-instructions-text').textContent(), instructions);
    assert.equal(await item.getByTestId('prescription-cancel-open').count(), 0, 'a patient is offered no cancel');

    await item.getByTestId('prescription-history-toggle').click();
    const reason = item.getByTestId('prescription-version-reason');
    await reason.waitFor();
    assert.equal(await reason.textContent(), `Reason: ${cancelReason}`);
    await assertInert(page, "patient's records page");
    await checkAccessibility(page, "patient's records page with a prescription history");
  });
});
