// psql helpers. SQL goes to psql on stdin, values travel as psql variables
// (-v name=value, used as :'name' in the SQL, which psql quotes as a
// literal), and the connection settings travel in PG* environment variables,
// so no password appears on a command line.

import { spawnSync } from 'node:child_process';

import { adminDsn } from './env.mjs';

// libpq connection keywords and the environment variables psql reads for them.
const keywordVariables = {
  host: 'PGHOST',
  hostaddr: 'PGHOSTADDR',
  port: 'PGPORT',
  dbname: 'PGDATABASE',
  user: 'PGUSER',
  password: 'PGPASSWORD',
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  application_name: 'PGAPPNAME',
};

// Parses a libpq keyword/value connection string (`host=h port=5432 ...`,
// values optionally in single quotes with backslash escapes) into PG*
// environment variables.
function dsnToEnvironment(dsn) {
  const environment = {};
  const pattern = /\s*([a-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S*))/gy;
  let match;
  let consumed = 0;
  while ((match = pattern.exec(dsn)) !== null) {
    consumed = pattern.lastIndex;
    const [, keyword, quoted, bare] = match;
    const variable = keywordVariables[keyword];
    if (!variable) throw new Error(`connection string keyword ${keyword} is not supported`);
    environment[variable] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare;
    if (consumed === dsn.length) break;
  }
  if (dsn.slice(consumed).trim() !== '') {
    throw new Error('the connection string is not in libpq keyword=value form');
  }
  return environment;
}

/**
 * Runs SQL through psql as the role of `dsn`, stopping at the first error.
 * Returns psql's exit status, standard output and standard error.
 */
export function runPsql(dsn, sql, variables = {}) {
  const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1'];
  for (const [name, value] of Object.entries(variables)) {
    args.push('-v', `${name}=${value}`);
  }
  args.push('-f', '-');
  const result = spawnSync('psql', args, {
    input: sql,
    encoding: 'utf8',
    env: { ...process.env, ...dsnToEnvironment(dsn) },
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs SQL whose last statement selects one JSON value on one line, and
 * returns that value parsed. Throws with psql's error output when psql fails.
 * json_agg puts a line break between elements; jsonb_agg does not.
 */
export function queryJson(dsn, sql, variables = {}) {
  const { status, stdout, stderr } = runPsql(dsn, sql, variables);
  if (status !== 0) throw new Error(`psql failed with exit status ${status}: ${stderr.trim()}`);
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new Error(`psql returned no rows for: ${sql}`);
  return JSON.parse(lines[lines.length - 1]);
}

/** Runs `queryJson` as the PostgreSQL superuser. */
export function adminQuery(sql, variables = {}) {
  return queryJson(adminDsn, sql, variables);
}

/** Returns the number of rows of `table` that match `where` (SQL, may use variables). */
export function countRows(table, where, variables = {}) {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`invalid table name: ${table}`);
  return adminQuery(`SELECT to_json(count(*)) FROM ${table} WHERE ${where};`, variables);
}

/** Returns the audit events that the request with `requestId` wrote, oldest first. */
export function auditEventsOfRequest(requestId) {
  return adminQuery(
    `SELECT coalesce(jsonb_agg(e ORDER BY e.seq), '[]')
       FROM (SELECT seq, event_type, actor_id, actor_role, patient_id, record_type,
                    record_id, outcome, request_id, result_ids
               FROM audit_events WHERE request_id = :'request_id') e;`,
    { request_id: requestId },
  );
}
