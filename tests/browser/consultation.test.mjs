// End-to-end test of the main clinical path in two headless Chromium
// contexts: a clinician and a patient who are created for this run. The
// clinician enrols TOTP and publishes availability, the patient books, both
// join a video call relayed by the project's coturn, the clinician records a
// note and a prescription during the call, and the patient reads them.
//
// The steps share state and run in order; once one fails, the rest are
// skipped. Run from the checkout root with `node --test tests/browser/` and
// the environment that scripts/test.sh sets (see tests/browser/README.md).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { enrolTotp, navLink, readSessionUser, signIn } from './support/app.mjs';
import { launchChromium, newParticipantContext, openRolePages } from './support/browser.mjs';
import { queryCount } from './support/database.mjs';
import { readTestEnvironment } from './support/environment.mjs';
import { checkAccessibility, orderedSteps } from './support/steps.mjs';
import { planAvailability } from './support/schedule.mjs';
import { createUser, randomSuffix } from './support/users.mjs';
import {
  readInboundVideo,
  readPeerConfiguration,
  readVideoSize,
  waitForCallStatus,
  waitForSucceededPair,
} from './support/webrtc.mjs';

// The documentation's screenshots are refreshed only on request
// (UPDATE_SCREENSHOTS=1), so a test run leaves the checkout unchanged.
const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : fileURLToPath(new URL('./test-results/', import.meta.url));

// The whole path takes about 20 seconds on a 2-core machine. The budget
// stays under three minutes, so a hung step cannot hold up the run for long.
const SUITE_TIMEOUT_MS = 170_000;
const STEP_TIMEOUT_MS = 60_000;
const ACTION_TIMEOUT_MS = 15_000;
const CALL_CONNECT_TIMEOUT_MS = 45_000;
const VIDEO_SAMPLE_INTERVAL_MS = 2_000;
const HOOK_TIMEOUT_MS = 30_000;

const TURN_USERNAME_PATTERN = /^(\d+):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Returns the Unix time in whole seconds of an RFC 3339 string. */
function unixSeconds(rfc3339) {
  return Math.floor(Date.parse(rfc3339) / 1000);
}

describe('consultation path', { timeout: SUITE_TIMEOUT_MS }, () => {
  const environment = readTestEnvironment();
  const suffix = randomSuffix();
  // A token that appears only in this run's encounter note.
  const noteMarker = `obsmark${suffix}`;
  const noteText =
    'Dry cough for four days, no fever, no breathlessness. Chest movement normal on video review. ' +
    `Advised fluids and rest; review if worse. Reference ${noteMarker}.`;

  let browser;
  const pages = { clinician: undefined, patient: undefined };
  const users = {};
  const run = {};

  /**
   * Declares one ordered step. A failure saves screenshots of both pages
   * under tests/browser/test-results/ and skips the steps after it.
   */
  const step = orderedSteps('', () => pages, STEP_TIMEOUT_MS);

  before(async () => {
    users.clinician = createUser(environment, {
      role: 'clinician',
      displayName: `Dr Imogen Vale ${suffix}`,
      emailLocalPart: 'browser-clinician',
    });
    users.patient = createUser(environment, {
      role: 'patient',
      displayName: `Tomasz Quillfeather ${suffix}`,
      emailLocalPart: 'browser-patient',
    });

    browser = await launchChromium();
    Object.assign(pages, await openRolePages(browser, environment.serverUrl, ['clinician', 'patient'], ACTION_TIMEOUT_MS));
  }, { timeout: HOOK_TIMEOUT_MS });

  after(async () => {
    await browser?.close();
  }, { timeout: HOOK_TIMEOUT_MS });

  step('clinician signs in and enrols TOTP', async () => {
    const page = pages.clinician;
    const login = await signIn(page, users.clinician);
    assert.equal(login.mfa, 'enrol', 'a new clinician should be sent to TOTP enrolment');
    await page.getByRole('heading', { name: 'Set up two-step sign-in' }).waitFor();

    const enrolment = await enrolTotp(page);
    assert.match(enrolment.qrSource ?? '', /^data:image\/png;base64,/, 'the QR code should be a PNG image');
    assert.equal(enrolment.session.mfa, 'done', 'the TOTP confirmation should complete MFA');

    await navLink(page, 'Appointments').waitFor();
    users.clinician.id = (await readSessionUser(page)).id;
  });

  step('clinician publishes availability', async () => {
    const page = pages.clinician;
    const browserTimeZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    assert.equal(
      browserTimeZone,
      Intl.DateTimeFormat().resolvedOptions().timeZone,
      'Chromium and Node.js should use the same time zone, because the test plans the form in local time',
    );

    const plan = planAvailability(new Date());
    run.plan = plan;
    await navLink(page, 'Availability').click();
    await page.getByTestId('availability-date').fill(plan.date);
    await page.getByTestId('availability-start').fill(plan.startTime);
    await page.getByTestId('availability-end').fill(plan.endTime);
    await page.getByTestId('availability-slot-minutes').fill(String(plan.slotMinutes));

    const response = page.waitForResponse(
      (candidate) => candidate.url().endsWith('/api/availability') && candidate.request().method() === 'POST',
    );
    await page.getByTestId('availability-submit').click();
    const published = await response;
    assert.equal(published.status(), 201, `POST /api/availability should return 201, got ${published.status()}`);
    const { slots } = await published.json();
    assert.equal(slots.length, plan.slotCount, `the range ${plan.startTime}–${plan.endTime} should make ${plan.slotCount} slots`);
    assert.equal(Date.parse(slots[0].starts_at), plan.startsAt.getTime(), 'the first slot should start at the planned time');

    const message = page.getByTestId('availability-published');
    await message.waitFor();
    assert.equal(
      (await message.textContent()).trim(),
      `Published ${plan.slotCount} slot${plan.slotCount === 1 ? '' : 's'}.`,
      'the page should confirm how many slots were published',
    );
  });

  step('patient books the first slot', async () => {
    const page = pages.patient;
    const login = await signIn(page, users.patient);
    assert.equal(login.mfa, 'not_required', 'a patient should not need TOTP');
    users.patient.id = (await readSessionUser(page)).id;

    await navLink(page, 'Book').click();
    await page.getByTestId('clinician-select').selectOption({ label: users.clinician.displayName });
    const firstSlot = page.getByTestId('slot-row').first();
    await firstSlot.waitFor();

    const response = page.waitForResponse(
      (candidate) => candidate.url().endsWith('/api/appointments') && candidate.request().method() === 'POST',
    );
    await firstSlot.getByTestId('book-slot').click();
    const booking = await response;
    assert.equal(booking.status(), 201, `POST /api/appointments should return 201, got ${booking.status()}`);
    run.appointment = await booking.json();
    assert.equal(
      Date.parse(run.appointment.starts_at),
      run.plan.startsAt.getTime(),
      'the booked appointment should start at the first published slot',
    );
    assert.equal(run.appointment.clinician.id, users.clinician.id, 'the appointment should be with the new clinician');
    await page.getByTestId('booking-confirmation').waitFor();

    await navLink(page, 'My appointments').click();
    const row = page.locator(`[data-testid="appointment-row"][data-appointment-id="${run.appointment.id}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), new RegExp(`With ${users.clinician.displayName}`), 'the row should name the clinician');
  });

  step('both join and connect through the TURN relay', async (t) => {
    const appointmentId = run.appointment.id;
    run.turn = {};

    await navLink(pages.clinician, 'Appointments').click();
    for (const role of ['clinician', 'patient']) {
      const page = pages[role];
      const joinLink = page.locator(
        `[data-testid="appointment-row"][data-appointment-id="${appointmentId}"] ` +
          '[data-testid="join-consultation"]:not([aria-disabled="true"])',
      );
      const turnResponse = page.waitForResponse(
        (candidate) =>
          candidate.url().endsWith(`/api/appointments/${appointmentId}/turn`) && candidate.request().method() === 'GET',
      );
      await joinLink.click();
      const response = await turnResponse;
      assert.equal(response.status(), 200, `${role}: GET /turn should return 200, got ${response.status()}`);
      run.turn[role] = await response.json();
    }

    for (const role of ['clinician', 'patient']) {
      await waitForCallStatus(pages[role], 'connected', CALL_CONNECT_TIMEOUT_MS);
    }

    const endsAtSeconds = unixSeconds(run.appointment.ends_at);
    for (const role of ['clinician', 'patient']) {
      const turn = run.turn[role];
      assert.equal(unixSeconds(turn.expires_at), endsAtSeconds, `${role}: TURN expires_at should be the appointment end`);
      assert.ok(Array.isArray(turn.ice_servers), `${role}: ice_servers should be an array`);
      assert.ok(turn.ice_servers.length > 0, `${role}: ice_servers should not be empty`);
      for (const server of turn.ice_servers) {
        const match = TURN_USERNAME_PATTERN.exec(server.username);
        assert.ok(match, `${role}: TURN username "${server.username}" should be <unix expiry>:<user id>`);
        assert.equal(Number(match[1]), endsAtSeconds, `${role}: the TURN username's expiry should be the appointment end`);
        assert.equal(match[2], users[role].id, `${role}: the TURN username should carry the participant's own user id`);
        assert.ok(server.credential, `${role}: the TURN credential should not be empty`);
      }
      const urls = turn.ice_servers.flatMap((server) => server.urls);
      assert.ok(
        urls.some((url) => url.startsWith('turn:') && url.includes(`127.0.0.1:${environment.turnPort}`)),
        `${role}: the ICE servers should include turn:127.0.0.1:${environment.turnPort}, got ${JSON.stringify(urls)}`,
      );

      const configuration = await readPeerConfiguration(pages[role]);
      assert.equal(configuration?.iceTransportPolicy, 'relay', `${role}: the peer connection should use relay candidates only`);
    }

    const selectedPairs = {};
    for (const role of ['clinician', 'patient']) {
      const pair = await waitForSucceededPair(pages[role], 10_000);
      t.diagnostic(`${role} selected candidate pair: ${JSON.stringify(pair)}`);
      assert.ok(pair, `${role}: getStats() should report a selected candidate pair`);
      assert.equal(pair.state, 'succeeded', `${role}: the selected pair should have succeeded`);
      assert.equal(pair.local?.candidateType, 'relay', `${role}: the local candidate should be a relay candidate`);
      assert.equal(pair.remote?.candidateType, 'relay', `${role}: the remote candidate should be a relay candidate`);
      assert.equal(pair.local.address, '127.0.0.1', `${role}: the local relay address should be the loopback coturn`);
      assert.equal(pair.remote.address, '127.0.0.1', `${role}: the remote relay address should be the loopback coturn`);
      // Chromium reports, for a local relay candidate, the URL of the TURN
      // server that allocated it.
      assert.match(
        pair.local.url ?? '',
        new RegExp(`^turns?:127\\.0\\.0\\.1:${environment.turnPort}(\\?|$)`),
        `${role}: the local relay candidate should come from turn:127.0.0.1:${environment.turnPort}`,
      );
      selectedPairs[role] = pair;
    }
    // Each side's remote candidate is the other side's relay allocation.
    assert.equal(
      selectedPairs.clinician.remote.port,
      selectedPairs.patient.local.port,
      "the clinician's remote candidate should be the patient's relay port",
    );
    assert.equal(
      selectedPairs.patient.remote.port,
      selectedPairs.clinician.local.port,
      "the patient's remote candidate should be the clinician's relay port",
    );

    for (const role of ['clinician', 'patient']) {
      // ICE can report connected a moment before the first video packet
      // creates the inbound-rtp entry, so wait for it (up to 10 s).
      let first = await readInboundVideo(pages[role]);
      for (let waited = 0; !first?.bytesReceived && waited < 10_000; waited += 250) {
        await sleep(250);
        first = await readInboundVideo(pages[role]);
      }
      await sleep(VIDEO_SAMPLE_INTERVAL_MS);
      const second = await readInboundVideo(pages[role]);
      t.diagnostic(`${role} inbound video: ${JSON.stringify(first)} then ${JSON.stringify(second)}`);
      assert.ok(first, `${role}: getStats() should report an inbound video stream`);
      assert.ok(second, `${role}: the inbound video stream should still be reported ${VIDEO_SAMPLE_INTERVAL_MS} ms later`);
      assert.ok(first.bytesReceived > 0, `${role}: inbound video bytes should be above 0, got ${first.bytesReceived}`);
      assert.ok(
        second.bytesReceived > first.bytesReceived,
        `${role}: inbound video bytes should grow over ${VIDEO_SAMPLE_INTERVAL_MS} ms, ` +
          `got ${first.bytesReceived} then ${second.bytesReceived}`,
      );
    }
  });

  step('screenshots of both consultation pages', async () => {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    for (const role of ['clinician', 'patient']) {
      const page = pages[role];
      // The remote <video> has a size only once it has a decoded frame.
      await page.waitForFunction(
        () => document.querySelector('[data-testid="remote-video"]')?.videoWidth > 0,
        undefined,
        { timeout: ACTION_TIMEOUT_MS },
      );
      const size = await readVideoSize(page, 'remote-video');
      assert.ok(size.width > 0, `${role}: the remote video should have a frame width`);
      assert.ok(size.height > 0, `${role}: the remote video should have a frame height`);
      await page.screenshot({ path: `${SCREENSHOT_DIR}${role}-consultation.png`, fullPage: true });
    }
  });

  step('clinician saves a note and a prescription during the call', async () => {
    const page = pages.clinician;
    const patientId = users.patient.id;
    const prescriptionsUrl = `/api/patients/${patientId}/prescriptions`;
    const isPrescriptionPost = (candidate) =>
      candidate.url().endsWith(prescriptionsUrl) && candidate.request().method() === 'POST';

    // The note autosaves as a draft; signing saves any change, then locks it.
    await page.getByTestId('note-section-free_text').fill(noteText);
    const signResponse = page.waitForResponse(
      (candidate) =>
        /\/api\/patients\/[0-9a-f-]+\/encounters\/[0-9a-f-]+\/sign$/.test(candidate.url()) &&
        candidate.request().method() === 'POST',
    );
    await page.getByTestId('note-sign').click();
    assert.equal((await signResponse).status(), 200, 'POST /encounters/{id}/sign should return 200');
    await page.getByTestId('note-signed').waitFor();

    // Amoxicillin 500 mg tablets (RxNorm 308192), chosen from the formulary.
    await page.getByTestId('prescription-drug-search').fill('amox');
    await page.getByTestId('prescription-drug').selectOption('308192');
    assert.equal(
      await page.getByTestId('prescription-product-routes').textContent(),
      'oral',
      "the product's allowed routes should be shown",
    );
    await page.getByTestId('prescription-dose').fill('1');
    await page.getByTestId('prescription-route').selectOption('topical');
    await page.getByTestId('prescription-frequency').selectOption('three_times_daily');
    await page.getByTestId('prescription-duration').fill('7');
    await page.getByTestId('prescription-quantity').fill('21');

    let response = page.waitForResponse(isPrescriptionPost);
    await page.getByTestId('prescription-save').click();
    const rejected = await response;
    const rejection = await rejected.json();
    assert.equal(rejected.status(), 422, 'a tablet given by the topical route should be rejected with 422');
    assert.equal(rejection.error?.field, 'route', 'the rejection should name the route field');

    const route = page.locator('[data-testid="prescription-route"][aria-invalid="true"]');
    await route.waitFor();
    const describedBy = (await route.getAttribute('aria-describedby')) ?? '';
    assert.ok(describedBy, 'the invalid route input should point at its error message');
    const routeError = page.locator(describedBy.split(' ').map((id) => `[id="${id}"]`).join(', ')).filter({
      hasText: rejection.error.message.replace(/^route: /, ''),
    });
    assert.equal(await routeError.isVisible(), true, "the server's route error should be shown beside the input");

    await page.getByTestId('prescription-route').selectOption('oral');
    response = page.waitForResponse(isPrescriptionPost);
    await page.getByTestId('prescription-save').click();
    assert.equal((await response).status(), 201, 'the corrected prescription should be saved with 201');
    await page.getByTestId('prescription-saved').waitFor();
    assert.equal(
      await page.getByTestId('prescription-route').getAttribute('aria-invalid'),
      null,
      'the route input should no longer be marked invalid',
    );
  });

  step('patient sees the note and prescription in their records', async () => {
    const page = pages.patient;
    const recordsResponse = page.waitForResponse(
      (candidate) =>
        candidate.url().endsWith(`/api/patients/${users.patient.id}/records`) && candidate.request().method() === 'GET',
    );
    await navLink(page, 'My records').click();
    assert.equal((await recordsResponse).status(), 200, 'GET /records should return 200 to the patient');

    const encounter = page.getByTestId('records-encounters').getByTestId('encounter-item').filter({ hasText: noteMarker });
    await encounter.waitFor();
    assert.equal(await encounter.count(), 1, 'the note should appear once');
    assert.ok((await encounter.textContent()).includes(noteText), 'the whole note text should be shown');

    const prescription = page
      .getByTestId('records-prescriptions')
      .getByTestId('prescription-item')
      .filter({ hasText: 'amoxicillin 500 MG Oral Tablet' });
    await prescription.waitFor();
    assert.equal(await prescription.count(), 1, 'only the valid prescription should be in the record');
    assert.equal(
      await prescription.getByTestId('prescription-summary').textContent(),
      'amoxicillin 500 MG Oral Tablet: 1 tablet, oral, three times daily for 7 days; quantity 21 tablets',
      'the prescription should show dose, route, frequency, duration and quantity as saved',
    );
  });

  step('sign-in and records pages pass axe WCAG 2 A/AA', async (t) => {
    await checkAccessibility(pages.patient, "patient's records page", t);

    const context = await newParticipantContext(browser, environment.serverUrl);
    try {
      const page = await context.newPage();
      await page.goto('/');
      await page.getByTestId('signin-email').waitFor();
      await checkAccessibility(page, 'sign-in page', t);
    } finally {
      await context.close();
    }
  });

  step('database holds the note encrypted and audits the read', () => {
    const patient = users.patient.id;
    const encounterRows = queryCount(environment.adminDsn, "SELECT count(*) FROM encounters WHERE patient_id = :'patient'", {
      patient,
    });
    assert.equal(encounterRows, 1, "the patient's encounter should be stored as one row");

    const plainMatches = queryCount(
      environment.adminDsn,
      "SELECT count(*) FROM encounters e WHERE e::text LIKE '%' || :'marker' || '%'",
      { marker: noteMarker },
    );
    assert.equal(plainMatches, 0, 'the note marker should not appear as text in any encounters column');

    // bytea columns print as hex, so plain text stored in note_sealed would
    // show up only in this form.
    const hexMatches = queryCount(
      environment.adminDsn,
      "SELECT count(*) FROM encounters e WHERE e::text LIKE '%' || encode(convert_to(:'marker', 'UTF8'), 'hex') || '%'",
      { marker: noteMarker },
    );
    assert.equal(hexMatches, 0, 'the note marker should not appear as hex-encoded bytes in any encounters column');

    const drugMatches = queryCount(
      environment.adminDsn,
      "SELECT count(*) FROM prescriptions p WHERE p.patient_id = :'patient' AND (p::text ILIKE '%amoxicillin%' " +
        "OR p::text LIKE '%' || encode(convert_to('Amoxicillin', 'UTF8'), 'hex') || '%')",
      { patient },
    );
    assert.equal(drugMatches, 0, 'the drug name should not appear in clear in the prescriptions table');

    const auditedReads = queryCount(
      environment.adminDsn,
      "SELECT count(*) FROM audit_events WHERE event_type = 'records.read' AND actor_id = :'patient' " +
        "AND actor_role = 'patient' AND patient_id = :'patient' AND outcome = 'allowed'",
      { patient },
    );
    assert.ok(auditedReads >= 1, `the patient's read of their records should be audited, found ${auditedReads} events`);
  });
});
