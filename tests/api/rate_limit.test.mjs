// Per-IP rate limits with the production defaults, on a server instance of
// this test's own (the shared test server raises them, because the suites
// sign in hundreds of users from one address).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ApiClient, assertError } from './support/client.mjs';
import { startServer } from './support/server.mjs';
import { randomSuffix } from './support/users.mjs';

// The defaults of src/http/rate_limit.hpp (RateLimits), written out so that
// a change to them is a deliberate change to this test too.
const defaults = { requests_per_minute: 600, requests_burst: 300, sign_in_per_minute: 10, sign_in_burst: 20 };

describe('per-IP rate limits', () => {
  let server;
  before(async () => {
    server = await startServer({ rate_limits: defaults });
  });
  after(async () => {
    await server?.stop();
  });

  test('sign-in attempts from one address are limited', async () => {
    const client = new ApiClient('rate limit', { baseUrl: server.url });
    // Unknown emails, so the per-account limit plays no part.
    const attempt = () =>
      client.post('/api/auth/login', {
        email: `nobody-${randomSuffix()}@api-test.telehealth.test`,
        password: 'not the password of anyone',
      });
    for (let i = 0; i < defaults.sign_in_burst; i++) {
      assertError(await attempt(), 401, 'invalid_credentials');
    }
    const limited = assertError(await attempt(), 429, 'too_many_attempts');
    assert.match(limited.body.error.message, /try again in \d+ seconds/);

    // Reads are counted against the larger general budget, so the address can
    // still load the app and check its session.
    assert.equal((await client.get('/api/health')).status, 200);
    assertError(await client.get('/api/auth/session'), 401, 'unauthenticated');
  });
});
