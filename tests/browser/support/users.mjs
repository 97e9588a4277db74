// Creates throwaway users through the server binary's `user add` command, so
// each run signs in with accounts of its own and does not depend on demo data.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Returns a short random suffix that keeps emails and names unique per run. */
export function randomSuffix() {
  return randomBytes(4).toString('hex');
}

/**
 * Creates a user with a random password and returns its sign-in details.
 * `user add` reads the password from standard input.
 */
export function createUser(environment, { role, displayName, emailLocalPart }) {
  const email = `${emailLocalPart}-${randomSuffix()}@example.org`;
  // 24 base64url characters, well over the 12-character minimum.
  const password = randomBytes(18).toString('base64url');
  const result = spawnSync(
    environment.binaryPath,
    ['--config', environment.configPath, 'user', 'add', '--email', email, '--name', displayName, '--role', role],
    { input: `${password}\n`, encoding: 'utf8', timeout: 30_000 },
  );
  if (result.error) {
    throw new Error(`Running "${environment.binaryPath} user add" failed: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(
      `"telehealth user add --role ${role}" exited with status ${result.status}:\n${result.stderr}${result.stdout}`,
    );
  }
  return { email, password, displayName, role };
}
