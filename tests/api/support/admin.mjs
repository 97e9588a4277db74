// Staff users with TOTP enrolled, elevated admin sessions, and the database
// facts the admin and break-glass tests check.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

import { adminQuery, runPsql } from './database.mjs';
import { adminDsn } from './env.mjs';
import { stepSeconds, totpCode, unixNow } from './totp.mjs';
import { newEnrolledUser } from './users.mjs';

/**
 * Creates a user of `role` (clinician, admin or auditor), signs them in and
 * completes TOTP enrolment; returns `{user, client, secret}`.
 */
export function newStaff(role) {
  return newEnrolledUser(role);
}

/**
 * Returns a code that the server has not accepted yet for `secret`: the
 * code of the next time step, which the ±1 step window accepts. The step of
 * enrolment or sign-in is spent, and a code is accepted once.
 */
export function nextStepCode(secret) {
  return totpCode(secret, unixNow() + stepSeconds);
}

/** Elevates `admin` (from newStaff) with the next step's code; returns the response. */
export async function elevate(admin) {
  const response = await admin.client.post('/api/admin/elevate', { code: nextStepCode(admin.secret) });
  assert.equal(response.status, 200, `elevation: ${response.text}`);
  return response;
}

/** Returns the hex SHA-256 of a session token, as sessions.token_hash stores it. */
export function tokenHash(token) {
  return createHash('sha256').update(token).digest('hex');
}

/** Runs SQL as the PostgreSQL superuser and fails the test on any error. */
export function superuserExec(sql, variables = {}) {
  const { status, stderr } = runPsql(adminDsn, sql, variables);
  assert.equal(status, 0, `psql failed: ${stderr}`);
}

/** Returns the audit events of `requestId` with the break-glass episode id, oldest first. */
export function flaggedEventsOfRequest(requestId) {
  return adminQuery(
    `SELECT coalesce(jsonb_agg(e ORDER BY e.seq), '[]')
       FROM (SELECT seq, event_type, actor_id, patient_id, record_type, record_id, outcome, break_glass_id,
                    result_ids
               FROM audit_events WHERE request_id = :'request_id') e;`,
    { request_id: requestId },
  );
}

/** Returns the number of sessions of `userId`. */
export function sessionCount(userId) {
  return adminQuery('SELECT to_json(count(*)) FROM sessions WHERE user_id = :\'user_id\';', { user_id: userId });
}

/** Resolves to 'closed' when `connection` closes within `milliseconds`, else 'still open'. */
export function closedWithin(connection, milliseconds) {
  const timeout = new Promise((resolve) => {
    setTimeout(() => resolve('still open'), milliseconds).unref();
  });
  return Promise.race([connection.closed.then(() => 'closed'), timeout]);
}
