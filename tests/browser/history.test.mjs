// The visit history in headless Chromium. The patient has 21 appointments,
// one more than a page: they see the newest 20, then the oldest after
// "Show older entries". The treating clinician opens the same history from
// the appointment list. Each page is checked with axe.
//
// The steps share state and run in order; once one fails, the rest are
// skipped. Run through scripts/test.sh (see tests/browser/README.md).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { bookAppointment } from '../api/support/scheduling.mjs';
import { navLink, signIn, signInWithTotp } from './support/app.mjs';
import { launchChromium, openRolePages } from './support/browser.mjs';
import { readTestEnvironment } from './support/environment.mjs';
import { newClinicianAndPatient } from './support/people.mjs';
import { checkAccessibility, orderedSteps } from './support/steps.mjs';

const SUITE_TIMEOUT_MS = 170_000;
const STEP_TIMEOUT_MS = 60_000;
const ACTION_TIMEOUT_MS = 15_000;
const HOOK_TIMEOUT_MS = 90_000;
const APPOINTMENTS = 21;

describe('visit history', { timeout: SUITE_TIMEOUT_MS }, () => {
  const environment = readTestEnvironment();

  let browser;
  const pages = { clinician: undefined, patient: undefined };
  let clinician;
  let patient;
  const appointments = [];

  const step = orderedSteps('visit history', () => pages, STEP_TIMEOUT_MS);

  before(async () => {
    ({ clinician, patient } = await newClinicianAndPatient());
    // Half-hour slots from 30 minutes ahead, so that each start differs.
    for (let index = 0; index < APPOINTMENTS; index += 1) {
      appointments.push(await bookAppointment(clinician, patient, 30 + 30 * index));
    }

    browser = await launchChromium();
    Object.assign(pages, await openRolePages(browser, environment.serverUrl, Object.keys(pages), ACTION_TIMEOUT_MS));
  }, { timeout: HOOK_TIMEOUT_MS });

  after(async () => {
    await browser?.close();
  }, { timeout: HOOK_TIMEOUT_MS });

  const newestFirst = () => appointments.map((appointment) => appointment.id).reverse();

  step('patient reads the history a page at a time', async (t) => {
    const page = pages.patient;
    await signIn(page, patient.user);
    await navLink(page, 'Visit history').click();
    await page.getByRole('heading', { name: 'My visit history', level: 1 }).waitFor();

    const entries = page.getByTestId('history-entry');
    await entries.first().waitFor();
    assert.equal(await entries.count(), 20);
    const shownIds = await entries.evaluateAll((items) => items.map((item) => item.dataset.id));
    assert.deepEqual(shownIds, newestFirst().slice(0, 20));
    const first = entries.first();
    assert.equal(await first.getByTestId('history-entry-title').textContent(), 'Appointment');
    assert.equal(await first.getByTestId('history-entry-status').textContent(), 'Upcoming');
    assert.equal(await first.getByTestId('history-entry-clinician').textContent(), clinician.user.displayName);
    await checkAccessibility(page, 'visit history page', t);

    await page.getByTestId('history-older').click();
    await page.locator(`[data-testid="history-entry"][data-id="${appointments[0].id}"]`).waitFor();
    assert.equal(await entries.count(), APPOINTMENTS);
    assert.equal(await page.getByTestId('history-older').count(), 0, 'the last page offers no older entries');
  });

  step('treating clinician opens the same history from the appointment list', async () => {
    const page = pages.clinician;
    await signInWithTotp(page, clinician);

    await navLink(page, 'Appointments').click();
    const row = page.locator(`[data-testid="appointment-row"][data-appointment-id="${appointments[0].id}"]`);
    await row.getByTestId('patient-history-link').click();
    await page.getByRole('heading', { name: 'Visit history', level: 1 }).waitFor();
    const entries = page.getByTestId('history-entry');
    await entries.first().waitFor();
    const shownIds = await entries.evaluateAll((items) => items.map((item) => item.dataset.id));
    assert.deepEqual(shownIds, newestFirst().slice(0, 20));
  });
});
