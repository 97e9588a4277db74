// Secure messaging in two browser contexts. A patient and a clinician with an
// appointment both keep the Messages page open. The patient starts the
// thread and writes, and the clinician's unread count rises live, without a
// reload. The clinician reads, which the patient sees as a read receipt, and
// replies, which reaches the patient live. Hostile text in a message and in
// an attachment's file name shows as text, with no element made and
// window.__xss never set. Each page is checked with axe.
//
// The steps share state and run in order; once one fails, the rest are
// skipped. Run through scripts/test.sh (see tests/browser/README.md).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe } from 'node:test';

import { bookAppointment } from '../api/support/scheduling.mjs';
import { randomSuffix } from '../api/support/users.mjs';
import { navLink, signIn, signInWithTotp } from './support/app.mjs';
import { launchChromium, openRolePages } from './support/browser.mjs';
import { queryScalar } from './support/database.mjs';
import { readTestEnvironment } from './support/environment.mjs';
import { newClinicianAndPatient } from './support/people.mjs';
import { checkAccessibility, orderedSteps } from './support/steps.mjs';

const SUITE_TIMEOUT_MS = 170_000;
const STEP_TIMEOUT_MS = 60_000;
const ACTION_TIMEOUT_MS = 15_000;
const HOOK_TIMEOUT_MS = 60_000;

const scriptPayload = '<script>window.__xss=1</script>';
const imagePayload = '<img src=x onerror="window.__xss=1">';


/** Opens the Messages page from the main navigation and waits until its socket is live. */
async function openMessages(page) {
  await navLink(page, 'Messages').click();
  await page.getByRole('heading', { name: 'Messages', level: 1 }).waitFor();
  await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
}

async function assertNoInjection(page) {
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'a payload ran');
  assert.equal(await page.getByTestId('message-list').locator('img, script').count(), 0, 'a payload made an element');
}

async function send(page, text) {
  await page.getByTestId('message-input').fill(text);
  await page.getByTestId('send-message').click();
  await page.getByTestId('message-body').filter({ hasText: text }).last().waitFor();
}

describe('secure messaging', { timeout: SUITE_TIMEOUT_MS }, () => {
  const environment = readTestEnvironment();
  const question = `Is the new inhaler meant twice a day? ${randomSuffix()}`;
  const reply = `Yes, morning and evening. ${randomSuffix()}`;
  const fileName = `${imagePayload}.txt`;
  const fileText = `Peak flow readings ${randomSuffix()}\n`;

  let browser;
  const pages = { clinician: undefined, patient: undefined };
  let clinician;
  let patient;

  const step = orderedSteps('messaging', () => pages, STEP_TIMEOUT_MS);

  before(async () => {
    ({ clinician, patient } = await newClinicianAndPatient());
    await bookAppointment(clinician, patient, 40);

    browser = await launchChromium();
    Object.assign(pages, await openRolePages(browser, environment.serverUrl, Object.keys(pages), ACTION_TIMEOUT_MS));
  }, { timeout: HOOK_TIMEOUT_MS });

  after(async () => {
    await browser?.close();
  }, { timeout: HOOK_TIMEOUT_MS });

  step('both open messages', async () => {
    await signInWithTotp(pages.clinician, clinician);
    await openMessages(pages.clinician);

    await signIn(pages.patient, patient.user);
    await pages.patient.getByTestId('signed-in-user').waitFor();
    await openMessages(pages.patient);
    await checkAccessibility(pages.patient, 'messages page');
  });

  step('patient writes, count rises live', async () => {
    const page = pages.patient;
    await page.getByTestId('start-thread').filter({ hasText: clinician.user.displayName }).click();
    await page.getByRole('heading', { name: `Conversation with ${clinician.user.displayName}` }).waitFor();
    await send(page, question);

    // The clinician's page has not been reloaded: the count arrives live.
    const badge = pages.clinician.getByTestId('thread-item').filter({ hasText: patient.user.displayName }).getByTestId('unread-count');
    await badge.filter({ hasText: '1 unread message' }).waitFor();

    await send(page, scriptPayload);
    await send(page, imagePayload);
    await badge.filter({ hasText: '3 unread messages' }).waitFor();
    await assertNoInjection(page);
    assert.deepEqual(await page.getByTestId('receipt').allTextContents(), ['Sent', 'Sent', 'Sent']);
  });

  step('clinician reads, patient sees receipt', async () => {
    const page = pages.clinician;
    await page.getByTestId('thread-item').filter({ hasText: patient.user.displayName }).getByRole('link').click();
    await page.getByRole('heading', { name: `Conversation with ${patient.user.displayName}` }).waitFor();
    assert.deepEqual(await page.getByTestId('message-body').allTextContents(), [question, scriptPayload, imagePayload]);
    await assertNoInjection(page);
    await page.getByTestId('unread-count').waitFor({ state: 'detached' });
    await checkAccessibility(page, 'conversation page');

    const receipts = pages.patient.getByTestId('receipt');
    await receipts.filter({ hasText: /^Read / }).nth(2).waitFor();
    const texts = await receipts.allTextContents();
    for (const text of texts) assert.match(text, /^Read \d{1,2}:\d\d/);
  });

  step('clinician replies live', async () => {
    await send(pages.clinician, reply);
    const received = pages.patient.getByTestId('message-body').filter({ hasText: reply });
    await received.waitFor();
    // The patient has the thread open, so the reply is read at once.
    await pages.clinician.getByTestId('receipt').filter({ hasText: /^Read / }).waitFor();
  });

  step('attachment with hostile name', async () => {
    const page = pages.patient;
    await page.getByTestId('attachment-input').setInputFiles({
      name: fileName,
      mimeType: 'text/plain',
      buffer: Buffer.from(fileText),
    });
    await page.getByTestId('send-attachment').click();
    await page.getByTestId('attachment-link').filter({ hasText: fileName }).waitFor();
    await assertNoInjection(page);

    const link = pages.clinician.getByTestId('attachment-link').filter({ hasText: fileName });
    await link.waitFor();
    assert.equal(await link.textContent(), fileName);
    await assertNoInjection(pages.clinician);

    const download = pages.clinician.waitForEvent('download');
    await link.click();
    const file = await download;
    assert.equal(await readFile(await file.path(), 'utf8'), fileText);
    assert.doesNotMatch(file.suggestedFilename(), /[<>"/\\]/);

    const stored = queryScalar(
      environment.adminDsn,
      `SELECT count(*) FROM messages m JOIN message_threads t ON t.id = m.thread_id
        WHERE t.patient_id = :'patient' AND t.clinician_id = :'clinician';`,
      { patient: patient.user.id, clinician: clinician.user.id },
    );
    assert.equal(stored, '5');
  });
});
