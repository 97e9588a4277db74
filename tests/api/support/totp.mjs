// RFC 6238 codes from oathtool (oath-toolkit), an implementation independent
// of the server's own.

import { execFileSync } from 'node:child_process';

/** The TOTP time step length in seconds that the server uses (the RFC 6238 default). */
export const stepSeconds = 30;

/**
 * Returns the 6-digit TOTP code for the base32 `secret` at `unixSeconds`
 * (default: now), as `oathtool --totp -b` computes it.
 */
export function totpCode(secret, unixSeconds) {
  const args = ['--totp', '-b'];
  if (unixSeconds !== undefined) args.push('--now', `@${Math.floor(unixSeconds)}`);
  args.push(secret);
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}

/** Returns the current Unix time in whole seconds. */
export function unixNow() {
  return Math.floor(Date.now() / 1000);
}
