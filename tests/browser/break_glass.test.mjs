// Break-glass from request to review in two headless Chromium contexts: a
// clinician with no appointment with a patient requests emergency access,
// reads the record, and an admin elevates with a fresh TOTP code and marks
// the episode reviewed in the queue. Each page is checked with axe.
//
// The steps share state and run in order; once one fails, the rest are
// skipped. Run through scripts/test.sh (see tests/browser/README.md).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { nextStepCode } from '../api/support/admin.mjs';
import { enrolTotp, navLink, readSessionUser, signIn } from './support/app.mjs';
import { launchChromium, newParticipantContext, openRolePages } from './support/browser.mjs';
import { queryCount, queryScalar } from './support/database.mjs';
import { readTestEnvironment } from './support/environment.mjs';
import { checkAccessibility, orderedSteps } from './support/steps.mjs';
import { createUser, randomSuffix } from './support/users.mjs';

const SUITE_TIMEOUT_MS = 170_000;
const STEP_TIMEOUT_MS = 60_000;
const ACTION_TIMEOUT_MS = 15_000;
const HOOK_TIMEOUT_MS = 30_000;

describe('break-glass from request to review', { timeout: SUITE_TIMEOUT_MS }, () => {
  const environment = readTestEnvironment();
  const suffix = randomSuffix();
  const justification = `Brought in unresponsive by ambulance, need medication history ${suffix}`;
  const reviewNote = `Checked with the emergency department log ${suffix}; access was appropriate.`;

  let browser;
  const pages = { clinician: undefined, admin: undefined, invitee: undefined };
  const users = {};

  const step = orderedSteps('break-glass', () => pages, STEP_TIMEOUT_MS);

  before(async () => {
    users.clinician = createUser(environment, { role: 'clinician', displayName: `Dr Hallam Recke ${suffix}`, emailLocalPart: 'bg-clinician' });
    users.patient = createUser(environment, { role: 'patient', displayName: `Orla Penhaligon ${suffix}`, emailLocalPart: 'bg-patient' });
    users.admin = createUser(environment, { role: 'admin', displayName: `Wren Adeyemi ${suffix}`, emailLocalPart: 'bg-admin' });
    users.patient.id = queryScalar(environment.adminDsn, "SELECT id FROM users WHERE email = :'email';", { email: users.patient.email });

    browser = await launchChromium();
    Object.assign(pages, await openRolePages(browser, environment.serverUrl, ['clinician', 'admin'], ACTION_TIMEOUT_MS));
  }, { timeout: HOOK_TIMEOUT_MS });

  after(async () => {
    await browser?.close();
  }, { timeout: HOOK_TIMEOUT_MS });

  step('clinician requests emergency access', async () => {
    const page = pages.clinician;
    await signIn(page, users.clinician);
    await enrolTotp(page);
    users.clinician.id = (await readSessionUser(page)).id;

    // Without an episode the record is not there.
    const denied = await page.request.get(`/api/patients/${users.patient.id}/records`);
    assert.equal(denied.status(), 404);

    await navLink(page, 'Emergency access').click();
    await page.getByRole('heading', { name: 'Emergency access (break-glass)' }).waitFor();
    await checkAccessibility(page, 'emergency access page');

    // Part of the address finds no one.
    await page.getByTestId('break-glass-email').fill(users.patient.email.split('@')[0]);
    await page.getByTestId('break-glass-search').click();
    await page.getByText('No patient has exactly this email address').waitFor();

    await page.getByTestId('break-glass-email').fill(users.patient.email);
    await page.getByTestId('break-glass-search').click();
    await page.getByRole('heading', { name: `Request access to the record of ${users.patient.displayName}` }).waitFor();

    // The reason and a justification are required.
    await page.getByTestId('break-glass-submit').click();
    await page.getByText('Choose the reason for emergency access.').waitFor();
    await checkAccessibility(page, 'emergency access request form with errors');

    await page.getByTestId('break-glass-reason').selectOption('emergency_treatment');
    await page.getByTestId('break-glass-justification').fill(justification);
    await page.getByTestId('break-glass-submit').click();
    await page.getByTestId('break-glass-started').waitFor();
    assert.match(await page.getByTestId('break-glass-started').textContent(), new RegExp(users.patient.displayName));
  });

  step('clinician reads the record', async () => {
    const page = pages.clinician;
    await page.getByTestId('break-glass-open-record').click();
    await page.getByRole('heading', { name: `Records for ${users.patient.displayName}` }).waitFor();
    await page.getByTestId('records-error').waitFor({ state: 'detached' });

    const flagged = queryCount(
      environment.adminDsn,
      "SELECT count(*) FROM audit_events WHERE actor_id = :'clinician' AND patient_id = :'patient' AND event_type = 'records.read' AND outcome = 'allowed' AND break_glass_id IS NOT NULL;",
      { clinician: users.clinician.id, patient: users.patient.id },
    );
    assert.ok(flagged >= 1, `the record read should be audited with the episode id, found ${flagged} flagged reads`);
  });

  step('admin elevates and reviews the episode', async () => {
    const page = pages.admin;
    await signIn(page, users.admin);
    const { secret } = await enrolTotp(page);

    await navLink(page, 'Break-glass review').click();
    // The queue is behind an elevation prompt.
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await checkAccessibility(page, 'elevation prompt');
    await page.getByTestId('elevation-code').fill(nextStepCode(secret));
    await page.getByTestId('elevation-submit').click();
    await page.getByTestId('elevation-banner').waitFor();

    const episode = page.getByTestId('episodes-unreviewed').getByTestId('episode').filter({ hasText: users.patient.displayName });
    await episode.waitFor();
    assert.equal(await episode.getByTestId('episode-justification').textContent(), justification);
    assert.equal(await episode.getByTestId('episode-reason').textContent(), 'Emergency treatment');
    await checkAccessibility(page, 'break-glass review queue');

    await episode.getByTestId('episode-review-note-input').fill(reviewNote);
    await episode.getByTestId('episode-review-submit').click();

    const reviewed = page.getByTestId('episodes-reviewed').getByTestId('episode').filter({ hasText: users.patient.displayName });
    await reviewed.waitFor();
    assert.equal(await reviewed.getByTestId('episode-review-note').textContent(), reviewNote);

    const stored = queryCount(
      environment.adminDsn,
      "SELECT count(*) FROM break_glass_episodes WHERE clinician_id = :'clinician' AND patient_id = :'patient' AND reviewed_at IS NOT NULL;",
      { clinician: users.clinician.id, patient: users.patient.id },
    );
    assert.equal(stored, 1);
  });

  step('admin users page is accessible', async () => {
    const page = pages.admin;
    await navLink(page, 'Users').click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByTestId('users-table').waitFor();
    await page.getByTestId('invite-email').fill(`bg-invitee-${suffix}@example.org`);
    await page.getByTestId('invite-submit').click();
    users.invitationLink = await page.getByTestId('invite-link').inputValue();
    assert.match(users.invitationLink, /\/#\/invitation\?token=[A-Za-z0-9_-]{43}$/);
    await checkAccessibility(page, 'admin users page');
  });

  step('invitee accepts the invitation', async () => {
    const context = await newParticipantContext(browser, environment.serverUrl);
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    const page = await context.newPage();
    pages.invitee = page;
    await page.goto(users.invitationLink);
    await page.getByTestId('invitation-details').waitFor();
    assert.match(await page.getByTestId('invitation-details').textContent(), new RegExp(`bg-invitee-${suffix}@example.org`));
    await checkAccessibility(page, 'invitation page');

    await page.getByTestId('invitation-name').fill(`Dr Saoirse Lund ${suffix}`);
    await page.getByTestId('invitation-password').fill(`lantern orchard quietly 47`);
    await page.getByTestId('invitation-password-confirm').fill(`lantern orchard quietly 47`);
    await page.getByTestId('invitation-submit').click();
    await page.getByTestId('invitation-accepted').waitFor();

    // The link works once.
    await page.reload();
    await page.getByTestId('invitation-error').waitFor();
  });
});
