// The patient access report and the auditor's review in headless Chromium.
// A clinician with an appointment writes a note through the API, then opens
// the patient's record in the browser and sees the note. The patient then
// finds that view in "Who has accessed my record" with the clinician's name,
// role, action and time, and an auditor finds the same event in the audit
// review. Each page is checked with axe.
//
// The steps share state and run in order; once one fails, the rest are
// skipped. Run through scripts/test.sh (see tests/browser/README.md).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { bookAppointment } from '../api/support/scheduling.mjs';
import { createUser, newEnrolledUser, randomSuffix, signIn as apiSignIn } from '../api/support/users.mjs';
import { navLink, signIn, signInWithTotp } from './support/app.mjs';
import { launchChromium, openRolePages } from './support/browser.mjs';
import { queryScalar } from './support/database.mjs';
import { readTestEnvironment } from './support/environment.mjs';
import { checkAccessibility, orderedSteps } from './support/steps.mjs';

const SUITE_TIMEOUT_MS = 170_000;
const STEP_TIMEOUT_MS = 60_000;
const ACTION_TIMEOUT_MS = 15_000;
const HOOK_TIMEOUT_MS = 60_000;


describe('patient access report', { timeout: SUITE_TIMEOUT_MS }, () => {
  const environment = readTestEnvironment();
  const note = `Reviewed the rash on the left forearm, improving ${randomSuffix()}`;

  let browser;
  const pages = { clinician: undefined, patient: undefined, auditor: undefined };
  let clinician;
  let auditor;
  let patient;
  let viewEventId;

  const step = orderedSteps('access report', () => pages, STEP_TIMEOUT_MS);

  before(async () => {
    // The appointment and the note are made through the API; the browser
    // steps are the view and the report.
    clinician = await newEnrolledUser('clinician');
    auditor = await newEnrolledUser('auditor');
    const patientUser = createUser('patient');
    patient = { user: patientUser, client: (await apiSignIn(patientUser)).client };
    const appointment = await bookAppointment(clinician, patient, 20);
    const written = await clinician.client.post(`/api/patients/${patient.user.id}/encounters`, {
      appointment_id: appointment.id,
      note,
    });
    assert.equal(written.status, 201, written.text);

    browser = await launchChromium();
    Object.assign(pages, await openRolePages(browser, environment.serverUrl, Object.keys(pages), ACTION_TIMEOUT_MS));
  }, { timeout: HOOK_TIMEOUT_MS });

  after(async () => {
    await browser?.close();
  }, { timeout: HOOK_TIMEOUT_MS });

  step('clinician opens the record', async () => {
    const page = pages.clinician;
    await signInWithTotp(page, clinician);

    await page.goto(`/#/patients/${patient.user.id}/records`);
    const encounter = page.getByTestId('encounter-item').filter({ hasText: note });
    await encounter.waitFor();

    viewEventId = queryScalar(
      environment.adminDsn,
      `SELECT id FROM audit_events
        WHERE actor_id = :'clinician' AND patient_id = :'patient' AND event_type = 'records.read' AND outcome = 'allowed'
        ORDER BY occurred_at DESC, seq DESC LIMIT 1;`,
      { clinician: clinician.user.id, patient: patient.user.id },
    );
    assert.match(viewEventId, /^[0-9a-f-]{36}$/);
  });

  step('patient sees the view in the report', async () => {
    const page = pages.patient;
    await signIn(page, patient.user);
    await navLink(page, 'Who has accessed my record').click();
    await page.getByRole('heading', { name: 'Who has accessed my record', level: 1 }).waitFor();

    const row = page.locator(`[data-testid="access-entry"][data-event-id="${viewEventId}"]`);
    await row.waitFor();
    assert.equal(await row.getByTestId('access-entry-who').textContent(), clinician.user.displayName);
    assert.equal(await row.getByTestId('access-entry-role').textContent(), 'Clinician');
    assert.equal(await row.getByTestId('access-entry-action').textContent(), 'Viewed your records');
    assert.equal(await row.getByTestId('access-entry-clinic').textContent(), 'Telehealth clinic');
    assert.equal(await row.getByTestId('access-entry-reason').textContent(), 'Your clinician: you have an appointment with them');

    const storedTime = queryScalar(
      environment.adminDsn,
      `SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM audit_events WHERE id = :'id';`,
      { id: viewEventId },
    );
    assert.equal(await row.getAttribute('data-occurred-at'), storedTime);
    const shownTime = await row.getByTestId('access-entry-time').textContent();
    const expectedTime = await page.evaluate(
      (iso) => new Intl.DateTimeFormat(undefined, {
        weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short',
      }).format(new Date(iso)),
      storedTime,
    );
    assert.equal(shownTime, expectedTime);

    // The note write is listed too, and the patient's own reads are not.
    await page.getByTestId('access-entry').filter({ hasText: 'Wrote a consultation note' }).waitFor();
    const names = await page.getByTestId('access-entry-who').allTextContents();
    assert.ok(!names.includes(patient.user.displayName), `the patient's own accesses are listed: ${names.join(', ')}`);
    await checkAccessibility(page, 'access report page');
  });

  step('auditor finds the view in the review', async () => {
    const page = pages.auditor;
    await signInWithTotp(page, auditor);
    await page.getByRole('heading', { name: 'Audit review', level: 1 }).waitFor();
    await checkAccessibility(page, 'audit review page');

    await page.getByTestId('audit-filter-patient').fill(patient.user.id);
    await page.getByTestId('audit-filter-event-type').fill('records.');
    await page.getByTestId('audit-search').click();
    const row = page.locator(`[data-testid="audit-row"][data-event-id="${viewEventId}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-flagged'), 'false');
    assert.equal(await row.getByTestId('audit-row-type').textContent(), 'records.read');
    assert.match(await row.getByTestId('audit-row-actor').textContent(), new RegExp(`^${clinician.user.displayName} \\(clinician\\)`));

    // A bad filter is named beside its input.
    await page.getByTestId('audit-filter-actor').fill('not-an-id');
    await page.getByTestId('audit-search').click();
    await page.getByText('Must be a UUID.').waitFor();
    await checkAccessibility(page, 'audit review page with a filter error');
    await page.getByTestId('audit-filter-actor').fill('');
    await page.getByTestId('audit-search').click();
    await row.waitFor();

    const download = page.waitForEvent('download');
    await page.getByTestId('audit-export-csv').click();
    const file = await download;
    assert.match(file.suggestedFilename(), /^audit-events-\d{8}T\d{6}Z\.csv$/);
    await page.getByTestId('audit-export-status').waitFor();
  });
});
