// `telehealth audit partitions` and `telehealth audit drop-expired` against
// the test server's database. Nothing there is past retention, so
// drop-expired drops nothing and the shared chain stays whole.
// tests/audit/partitions_pgtest.cpp drops expired partitions in a throwaway
// database.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';

import { assertChainIntact } from './support/audit.mjs';
import { adminQuery } from './support/database.mjs';
import { adminDsn, appDsn, binary, configFile } from './support/env.mjs';

function runTelehealth(args, environment = {}) {
  const result = spawnSync(binary, ['--config', configFile, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...environment },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// audit_events_YYYY_MM of the current UTC month.
function currentPartition() {
  const now = new Date();
  const month = String(now.getUTCMonth() + 1).padStart(2, '0');
  return `audit_events_${now.getUTCFullYear()}_${month}`;
}

describe('audit partitions', { concurrency: 1 }, () => {
  test('partitions lists the current month', () => {
    // Other suites add events meanwhile, so the listing may count more.
    const events = adminQuery(`SELECT count(*) FROM ${currentPartition()};`);
    const { status, stdout, stderr } = runTelehealth(['audit', 'partitions']);
    assert.equal(status, 0, stderr);
    const row = stdout.split('\n').find((line) => line.startsWith(`${currentPartition()} `));
    assert.ok(row, `no row for ${currentPartition()} in:\n${stdout}`);
    const columns = row.trim().split(/\s+/);
    assert.equal(columns.length, 5, row);
    assert.ok(Number(columns[3]) >= events, `${row} counts fewer events than ${events}`);
    assert.equal(columns[4], 'no');
    assert.match(stdout, /^retention: 7 years after a partition's range ends$/m);
    assert.match(stdout, /^schema change log: installed$/m);
  });

  test('drop-expired rejects the app role', () => {
    const { status, stdout, stderr } = runTelehealth(['audit', 'drop-expired'], {
      TELEHEALTH_MAINTENANCE_DATABASE_URL: appDsn,
    });
    assert.equal(status, 1, stdout);
    assert.match(stderr, /SQLSTATE 42501: permission denied to set role "telehealth_maintenance"/);
  });

  test('drop-expired requires a database URL', () => {
    const environment = { ...process.env };
    delete environment.TELEHEALTH_MAINTENANCE_DATABASE_URL;
    const result = spawnSync(binary, ['--config', configFile, 'audit', 'drop-expired'], {
      encoding: 'utf8',
      env: environment,
    });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /--maintenance-database-url is required/);
  });

  test('drop-expired keeps partitions inside retention', () => {
    const before = adminQuery("SELECT count(*) FROM pg_inherits WHERE inhparent = 'audit_events'::regclass;");
    // A superuser may SET ROLE to telehealth_maintenance, as a login role
    // granted it would.
    const { status, stdout, stderr } = runTelehealth(['audit', 'drop-expired'], {
      TELEHEALTH_MAINTENANCE_DATABASE_URL: adminDsn,
    });
    assert.equal(status, 0, stderr);
    assert.equal(stdout, 'drop-expired: 0 partitions dropped\n');
    const after = adminQuery("SELECT count(*) FROM pg_inherits WHERE inhparent = 'audit_events'::regclass;");
    assert.equal(after, before);
    assertChainIntact();
  });
});
