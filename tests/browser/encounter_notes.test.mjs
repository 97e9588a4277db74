// Encounter notes in headless Chromium: a clinician drafts a structured note
// (autosaved after a pause in typing, with a warning before leaving unsaved
// text), signs it and amends it; the patient then sees the signed note and
// the amendment, never the draft, and both compare versions in the diff
// view. Every field carries a hostile HTML payload, which must show as text
// and run nothing. Each page is checked with axe.
//
// The steps share state and run in order; once one fails, the rest are
// skipped. Run through scripts/test.sh (see tests/browser/README.md).
import assert from 'node:assert/strict';
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

const SCRIPT_PAYLOAD = '<script>window.__xss=1</script>';
const IMG_PAYLOAD = '<img src=x onerror="window.__xss=1">';
const SECTIONS = ['presenting_complaint', 'history', 'examination', 'assessment', 'plan', 'free_text'];


/** Asserts that no payload ran and that `scope` contains no element a payload would create. */
async function assertInert(page, scope, context) {
  assert.equal(await page.evaluate(() => window.__xss), undefined, `${context}: a payload ran`);
  assert.equal(await scope.locator('script, img').count(), 0, `${context}: a payload created an element`);
}

describe('encounter notes', { timeout: SUITE_TIMEOUT_MS }, () => {
  const environment = readTestEnvironment();
  const marker = randomSuffix(8);
  // Each section contains a payload and words that identify it.
  const sectionText = Object.fromEntries(
    SECTIONS.map((name, index) => [name, `${index % 2 ? SCRIPT_PAYLOAD : IMG_PAYLOAD} ${name} text ${marker}`]),
  );
  const amendmentText = `${SCRIPT_PAYLOAD} Potassium result 4.1 mmol/L ${marker}`;
  const amendmentReason = `${IMG_PAYLOAD} Result arrived after signing`;

  let browser;
  const pages = { clinician: undefined, patient: undefined };
  let clinician;
  let patient;
  let noteId;

  const step = orderedSteps('encounter notes', () => pages, STEP_TIMEOUT_MS);
  const recordsPath = () => `/#/patients/${patient.user.id}/records`;
  const isNoteWrite = (response) =>
    /\/api\/patients\/[0-9a-f-]+\/encounters(\/[0-9a-f-]+)?$/.test(new URL(response.url()).pathname) &&
    ['POST', 'PUT'].includes(response.request().method());

  before(async () => {
    ({ clinician, patient } = await newClinicianAndPatient());
    await bookAppointment(clinician, patient, 25);

    browser = await launchChromium();
    Object.assign(pages, await openRolePages(browser, environment.serverUrl, Object.keys(pages), ACTION_TIMEOUT_MS));
  }, { timeout: HOOK_TIMEOUT_MS });

  after(async () => {
    await browser?.close();
  }, { timeout: HOOK_TIMEOUT_MS });

  step('clinician drafts a note that autosaves', async () => {
    const page = pages.clinician;
    await signInWithTotp(page, clinician);
    await page.goto(recordsPath());
    await page.getByTestId('note-editor').waitFor();
    await checkAccessibility(page, "clinician's records page with the note editor");

    const firstSave = page.waitForResponse(isNoteWrite);
    for (const name of SECTIONS) {
      await page.getByTestId(`note-section-${name}`).fill(sectionText[name]);
    }
    const created = await firstSave;
    assert.equal(created.status(), 201, 'the first autosave should create the draft');
    noteId = (await created.json()).id;
    const status = page.getByTestId('note-save-status');
    await status.filter({ hasText: /^Saved at \d\d:\d\d/ }).waitFor();

    const stored = queryScalar(
      environment.adminDsn,
      "SELECT status || ' ' || current_version FROM encounters WHERE id = :'id';",
      { id: noteId },
    );
    assert.equal(stored, 'draft 1');
  });

  step('leaving with unsaved text asks first', async () => {
    const page = pages.clinician;
    const plan = page.getByTestId('note-section-plan');
    const savedAfterPause = page.waitForResponse(isNoteWrite);
    await plan.fill(`${sectionText.plan} Review in one week.`);
    assert.equal(await page.getByTestId('note-save-status').textContent(), 'Not saved yet');

    let question;
    page.once('dialog', async (dialog) => {
      question = dialog.message();
      await dialog.dismiss();
    });
    await navLink(page, 'Appointments').click();
    await page.waitForTimeout(300);
    assert.match(question ?? '', /unsaved text/);
    assert.ok(page.url().endsWith(recordsPath().slice(1)), `the page should stay on the record, not ${page.url()}`);

    // The pause in typing saves version 2.
    const saved = await savedAfterPause;
    assert.equal(saved.request().method(), 'PUT');
    assert.equal(saved.status(), 200);
    await page.getByTestId('note-save-status').filter({ hasText: /^Saved at \d\d:\d\d/ }).waitFor();
    sectionText.plan = `${sectionText.plan} Review in one week.`;
  });

  step('clinician signs the note', async () => {
    const page = pages.clinician;
    const signed = page.waitForResponse((response) => response.url().endsWith(`/encounters/${noteId}/sign`));
    await page.getByTestId('note-sign').click();
    const response = await signed;
    assert.equal(response.status(), 200);
    const body = await response.json();
    assert.equal(body.status, 'signed');
    assert.match(body.signature.content_sha256, /^[0-9a-f]{64}$/);
    await page.getByTestId('note-signed').waitFor();

    const item = page.locator(`[data-testid="encounter-item"][data-encounter-id="${noteId}"]`);
    await item.and(page.locator('[data-status="signed"]')).waitFor();
    for (const name of SECTIONS) {
      assert.equal(await item.getByTestId(`note-${name}`).textContent(), sectionText[name], name);
    }
    assert.match(await item.getByTestId('note-signature').textContent(), new RegExp(body.signature.content_sha256));
    await assertInert(page, item, 'signed note');
  });

  step('clinician amends the signed note', async () => {
    const page = pages.clinician;
    const item = page.locator(`[data-testid="encounter-item"][data-encounter-id="${noteId}"]`);
    await item.getByTestId('note-amend-toggle').click();

    // Both fields are required, each named beside its input.
    await item.getByTestId('amendment-save').click();
    await item.locator('[data-testid="amendment-text"][aria-invalid="true"]').waitFor();
    await item.locator('[data-testid="amendment-reason"][aria-invalid="true"]').waitFor();

    await item.getByTestId('amendment-text').fill(amendmentText);
    await item.getByTestId('amendment-reason').fill(amendmentReason);
    const added = page.waitForResponse((response) => response.url().endsWith(`/encounters/${noteId}/amendments`));
    await item.getByTestId('amendment-save').click();
    assert.equal((await added).status(), 201);

    const amendment = item.getByTestId('note-amendment');
    await amendment.waitFor();
    assert.equal(await amendment.getByTestId('amendment-text-shown').textContent(), amendmentText);
    assert.equal(await amendment.getByTestId('amendment-reason-text').textContent(), amendmentReason);
    // The signed original is still shown as it was.
    assert.equal(await item.getByTestId('note-plan').textContent(), sectionText.plan);
    await assertInert(page, item, 'amended note');
  });

  step('clinician compares versions', async () => {
    const page = pages.clinician;
    const item = page.locator(`[data-testid="encounter-item"][data-encounter-id="${noteId}"]`);
    await item.getByTestId('note-versions-toggle').click();
    const versions = item.getByTestId('note-version');
    await versions.first().waitFor();
    const kinds = await versions.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-kind')));
    assert.deepEqual(kinds.slice(-2), ['signed', 'amendment']);
    assert.ok(kinds.slice(0, -2).length >= 2 && kinds.slice(0, -2).every((kind) => kind === 'draft'), kinds.join());

    // Draft 1 against the newest version: the plan's new words and the
    // amendment are additions, shown as text.
    const diff = item.getByTestId('note-diff');
    await diff.waitFor();
    const added = (await diff.getByTestId('diff-added').allTextContents()).join(' ');
    assert.match(added, /Added: .*Review/);
    assert.ok(added.includes('Potassium result 4.1 mmol/L'), added);
    assert.ok(added.includes(SCRIPT_PAYLOAD), 'the payload should be shown as added text');

    // The signed version against the amendment adds only the amendment.
    const options = await item.getByTestId('diff-from').locator('option').allTextContents();
    const signedLabel = options.find((label) => / Signed, /.test(label));
    await item.getByTestId('diff-from').selectOption({ label: signedLabel });
    await diff.getByTestId('diff-added').filter({ hasText: 'Amendment 1 (reason:' }).waitFor();
    assert.equal(await diff.getByTestId('diff-removed').count(), 0);
    await assertInert(page, item, 'diff view');
    await checkAccessibility(page, "clinician's records page with versions");
  });

  step('patient sees the signed note and amendment', async () => {
    const page = pages.patient;
    await signIn(page, patient.user);
    const records = page.waitForResponse((response) => response.url().endsWith(`/api/patients/${patient.user.id}/records`));
    await navLink(page, 'My records').click();
    assert.equal((await records).status(), 200);

    const items = page.getByTestId('encounter-item');
    await items.first().waitFor();
    assert.equal(await items.count(), 1, 'the patient should see one note and no draft');
    const item = items.first();
    assert.equal(await item.getAttribute('data-status'), 'signed');
    for (const name of SECTIONS) {
      assert.equal(await item.getByTestId(`note-${name}`).textContent(), sectionText[name], name);
    }
    assert.equal(await item.getByTestId('amendment-text-shown').textContent(), amendmentText);
    assert.equal(await item.getByTestId('amendment-reason-text').textContent(), amendmentReason);
    assert.equal(await item.getByTestId('note-amend-toggle').count(), 0, 'a patient cannot amend');

    await item.getByTestId('note-versions-toggle').click();
    const versions = item.getByTestId('note-version');
    await versions.first().waitFor();
    const kinds = await versions.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-kind')));
    assert.deepEqual(kinds, ['signed', 'amendment'], 'the patient sees no draft versions');
    const diff = item.getByTestId('note-diff');
    await diff.getByTestId('diff-added').filter({ hasText: amendmentText }).waitFor();
    await assertInert(page, item, "patient's view");
    await checkAccessibility(page, "patient's records page with versions");
  });
});
