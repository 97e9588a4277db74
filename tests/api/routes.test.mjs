// Crawls the server's whole route table (from `telehealth routes`) as each
// kind of caller, and checks every response and every audit event against the
// policy written down in support/route_policy.mjs. A route the server has
// and the policy does not name fails the test. So does a route whose access,
// roles, PHI or WebSocket marks differ from the policy, so a new route cannot
// ship without someone deciding who may call it.
//
// ROUTE_CRAWL_PRINT=1 prints the observed matrix in the policy's format, to
// review and paste when a route is added on purpose.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';

import { elevate } from './support/admin.mjs';
import { ApiClient } from './support/client.mjs';
import { adminQuery, auditEventsOfRequest } from './support/database.mjs';
import { binary, configFile } from './support/env.mjs';
import { personas, routePolicy } from './support/route_policy.mjs';
import { bookAppointment } from './support/scheduling.mjs';
import { createUser, newClinician, newEnrolledUser, newPatient, signIn } from './support/users.mjs';
import { openWebSocket } from './support/websocket.mjs';

function readRouteTable() {
  return JSON.parse(execFileSync(binary, ['--config', configFile, 'routes'], { encoding: 'utf8' }));
}

const key = (route) => `${route.method} ${route.pattern}`;

// Ending an elevation and signing out change the caller's session, so they
// are crawled after every other route, in that order.
const lastRoutes = ['/api/admin/elevation/end', '/api/auth/logout'];
const crawlRank = (route) => lastRoutes.indexOf(route.pattern);
const crawlOrder = (a, b) => crawlRank(a) - crawlRank(b);

// A client whose session has passed its idle timeout.
async function expiredClient() {
  const { client } = await signIn(createUser('patient'));
  const tokenHash = createHash('sha256').update(client.sessionToken).digest('hex');
  adminQuery(
    `UPDATE sessions SET last_seen_at = now() - interval '1 day'
       WHERE token_hash = decode(:'hash', 'hex') RETURNING to_json(true);`,
    { hash: tokenHash },
  );
  return client;
}

function summariseEvents(requestId) {
  if (!requestId) return [];
  return auditEventsOfRequest(requestId).map((event) => `${event.event_type}:${event.outcome}`);
}

describe('route policy crawl', () => {
  const routes = readRouteTable();
  const callers = {};
  const params = {};

  before(async () => {
    const patient = await newPatient();
    const related = await newClinician();
    const appointment = await bookAppointment(related, patient);
    callers.anonymous = new ApiClient('anonymous');
    callers.expired = await expiredClient();
    callers.patient = patient.client;
    callers.unrelated_clinician = (await newClinician()).client;
    callers.related_clinician = related.client;
    callers.admin = (await newEnrolledUser('admin')).client;
    const elevated = await newEnrolledUser('admin');
    await elevate(elevated);
    callers.elevated_admin = elevated.client;
    callers.auditor = (await newEnrolledUser('auditor')).client;
    params.patient_id = patient.user.id;
    params.clinician_id = related.user.id;
    params.appointment_id = appointment.id;
  });

  // Fills `{name}` segments: the fixture's patient, clinician and
  // appointment, and a fresh random id for anything else (a session id, a
  // record id), which no caller can see.
  function pathOf(route) {
    return route.pattern.replace(/\{([a-z_]+)\}/g, (_, name) => params[name] ?? randomUUID());
  }

  // A WebSocket's leave event is written after the socket closes, so for
  // those routes the events are read again, for up to 3 s, until they match.
  async function settledEvents(requestId, expected) {
    const deadline = Date.now() + 3000;
    for (;;) {
      const events = summariseEvents(requestId);
      if (!expected || JSON.stringify(events) === JSON.stringify(expected) || Date.now() > deadline) {
        return events;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function call(route, persona) {
    const client = callers[persona];
    const path = pathOf(route);
    if (route.websocket) {
      const cookie = client.cookieHeader();
      const answer = await openWebSocket(path, cookie ? { cookie } : {});
      answer.connection?.close();
      return { status: answer.status, requestId: answer.headers['x-request-id'] };
    }
    const options = route.method === 'GET' || route.method === 'DELETE' ? {} : { json: {} };
    const answer = await client.request(route.method, path, options);
    return { status: answer.status, requestId: answer.headers.get('x-request-id') };
  }

  test('every route has a policy, and the policy matches the route table', () => {
    const declared = new Set(Object.keys(routePolicy));
    const served = new Set(routes.map(key));
    const unpoliced = [...served].filter((name) => !declared.has(name));
    const stale = [...declared].filter((name) => !served.has(name));
    assert.deepEqual(unpoliced, [], 'routes without an entry in tests/api/support/route_policy.mjs');
    assert.deepEqual(stale, [], 'policy entries for routes the server does not have');
    for (const route of routes) {
      const policy = routePolicy[key(route)];
      assert.deepEqual(
        { access: route.access, roles: [...route.roles].sort(), phi: route.phi, websocket: route.websocket },
        { access: policy.access, roles: [...policy.roles].sort(), phi: policy.phi, websocket: policy.websocket ?? false },
        `the route table and the policy disagree on ${key(route)}`,
      );
    }
  });

  test('every caller gets the status and audit events the policy names', async () => {
    const observed = {};
    const mismatches = [];
    for (const route of [...routes].sort(crawlOrder)) {
      const name = key(route);
      const policy = routePolicy[name];
      observed[name] = { statuses: {}, audit: {} };
      for (const persona of personas) {
        const { status, requestId } = await call(route, persona);
        const events = await settledEvents(requestId, route.websocket ? policy?.audit?.[persona] : null);
        observed[name].statuses[persona] = status;
        if (events.length > 0) observed[name].audit[persona] = events;
        if (!policy) continue;
        const expectedStatus = policy.statuses[persona];
        const expectedEvents = policy.audit?.[persona] ?? [];
        if (status !== expectedStatus) {
          mismatches.push(`${name} as ${persona}: status ${status}, policy says ${expectedStatus}`);
        }
        if (JSON.stringify(events) !== JSON.stringify(expectedEvents)) {
          mismatches.push(
            `${name} as ${persona}: audit ${JSON.stringify(events)}, policy says ${JSON.stringify(expectedEvents)}`,
          );
        }
      }
    }
    if (process.env.ROUTE_CRAWL_PRINT) console.log(JSON.stringify(observed, null, 2));
    assert.deepEqual(mismatches, []);
  });

  test('PHI routes audit every access and every denial', () => {
    // On a PHI route, every response that grants access (2xx, 101) or refuses
    // a signed-in caller (403 for the role, 404 for the record) must leave an
    // audit event. Only the session checks (401) and input rejected before
    // any record is touched (400) may respond without one.
    for (const [name, policy] of Object.entries(routePolicy)) {
      if (!policy.phi) continue;
      for (const persona of personas) {
        const status = policy.statuses[persona];
        const mustAudit = status < 300 || status === 403 || status === 404;
        if (!mustAudit) continue;
        assert.ok((policy.audit?.[persona] ?? []).length > 0, `${name} as ${persona} (${status}) writes no audit event`);
      }
    }
  });
});
