// RFC 6238 codes from oathtool, an implementation independent of the server's.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const TIME_STEP_SECONDS = 30;

/** Returns the current 6-digit TOTP code for a base32 secret. */
export function totpCode(secret) {
  const output = execFileSync('oathtool', ['--totp', '-b', secret], { encoding: 'utf8', timeout: 10_000 });
  const code = output.trim();
  if (!/^[0-9]{6}$/.test(code)) {
    throw new Error(`oathtool printed "${code}", not a 6-digit code.`);
  }
  return code;
}

/**
 * Waits for the next 30-second time step when the current one ends within
 * `marginSeconds`, so that a code computed now is still current when the
 * server checks it.
 */
export async function waitForTimeStepMargin(marginSeconds = 5) {
  const secondsIntoStep = (Date.now() / 1000) % TIME_STEP_SECONDS;
  const secondsLeft = TIME_STEP_SECONDS - secondsIntoStep;
  if (secondsLeft < marginSeconds) {
    await sleep(Math.ceil(secondsLeft * 1000) + 200);
  }
}
