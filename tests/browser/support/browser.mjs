// Starts the machine's Chromium through playwright-core and opens one browser
// context per participant of a consultation.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** Debian's Chromium package, because playwright-core cannot download a browser of its own here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

// --no-sandbox: the tests run as root, where Chromium's sandbox cannot start.
// The fake media flags give both participants a synthetic camera and
// microphone and grant access without a prompt. The background, component
// and sync switches keep Chromium from contacting any host but the server
// under test, and --disable-quic keeps it to TCP for HTTPS.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

/** Folder for screenshots of failed steps (git ignores it). */
export const FAILURE_SCREENSHOT_DIR = fileURLToPath(new URL('../test-results/', import.meta.url));

export async function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Opens a separate browser context, with its own cookies, for one participant.
 * The server's certificate is self-signed, so HTTPS errors are ignored.
 */
export async function newParticipantContext(browser, serverUrl) {
  const context = await browser.newContext({
    baseURL: serverUrl,
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
  });
  await context.grantPermissions(['camera', 'microphone'], { origin: serverUrl });
  return context;
}

/**
 * Saves a full-page screenshot of each open page under test-results/, named
 * after the failed step and the participant. Errors while saving are logged
 * and do not replace the failure being reported.
 */
/**
 * Opens one page per role in `roles`, each in a context of its own (see
 * newParticipantContext) whose actions time out after `actionTimeout` ms.
 * Returns an object of role -> page.
 */
export async function openRolePages(browser, serverUrl, roles, actionTimeout) {
  const pages = {};
  for (const role of roles) {
    const context = await newParticipantContext(browser, serverUrl);
    context.setDefaultTimeout(actionTimeout);
    pages[role] = await context.newPage();
  }
  return pages;
}

export async function saveFailureScreenshots(stepName, pagesByRole) {
  await mkdir(FAILURE_SCREENSHOT_DIR, { recursive: true });
  const stepSlug = stepName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  for (const [role, page] of Object.entries(pagesByRole)) {
    if (!page || page.isClosed()) continue;
    const file = path.join(FAILURE_SCREENSHOT_DIR, `${stepSlug}-${role}.png`);
    try {
      await page.screenshot({ path: file, fullPage: true, timeout: 5_000 });
      console.error(`Saved a screenshot of the ${role} page: ${file}`);
    } catch (error) {
      console.error(`Could not save a screenshot of the ${role} page: ${error.message}`);
    }
  }
}
