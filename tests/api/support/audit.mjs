// Runs `telehealth audit verify` against the test server's database.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

import { binary, configFile } from './env.mjs';

/** Runs `audit verify`; returns its exit status and its combined output. */
export function auditVerify() {
  const result = spawnSync(binary, ['--config', configFile, 'audit', 'verify'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Asserts that `audit verify` exits 0 and prints OK. */
export function assertChainIntact() {
  const { status, output } = auditVerify();
  assert.equal(status, 0, `audit verify failed: ${output}`);
  assert.match(output, /\bOK\b/);
}
