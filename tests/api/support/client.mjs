// A small HTTP client for the API: one instance per user, with a cookie jar
// for the session cookie, and the Origin and X-CSRF-Token headers the server
// requires on writes.

import assert from 'node:assert/strict';

import { baseUrl } from './env.mjs';

export const sessionCookieName = '__Host-session';

// Text that would mean a response leaked internals: PostgreSQL error text
// (SQLSTATE, "ERROR:"), a file path of a stack trace ("at /"), a stack frame
// in JavaScript or gdb form, or a C++ source location.
const leakPatterns = [
  /SQLSTATE/,
  /ERROR:/,
  /at \//,
  /\n\s*at \S+ \(/,
  /#\d+\s+0x[0-9a-f]+/,
  /\.(?:cpp|hpp):\d+/,
];

/** Asserts that a response body shows no SQL error text or stack trace. */
export function assertNoInternals(text, context) {
  for (const pattern of leakPatterns) {
    assert.doesNotMatch(text, pattern, `${context}: the response body leaks internals`);
  }
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export class ApiClient {
  /**
   * `label` names the client in assertion messages. Option `baseUrl` points
   * it at another server instance (see startServer in server.mjs).
   */
  constructor(label = 'anonymous', options = {}) {
    this.label = label;
    this.baseUrl = options.baseUrl ?? baseUrl;
    this.cookies = new Map();
    // The session's CSRF token, from the last response body that carried one
    // (sign-in, GET /api/auth/session, MFA completion).
    this.csrfToken = undefined;
  }

  /** The session cookie's value, or undefined when there is none. */
  get sessionToken() {
    return this.cookies.get(sessionCookieName);
  }

  set sessionToken(token) {
    if (token === undefined) this.cookies.delete(sessionCookieName);
    else this.cookies.set(sessionCookieName, token);
  }

  /** The Cookie header value for the jar, or undefined when it is empty. */
  cookieHeader() {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  // Stores each Set-Cookie of the response. Max-Age=0 or an empty value
  // removes the cookie.
  storeCookies(headers) {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /**
   * Sends a request and returns `{status, headers, text, body}`, where body is
   * the parsed JSON or undefined. Options: `json` (a value to send as JSON),
   * `body` (a raw string), `origin`, `csrf` and `headers` (more headers).
   * `origin` is the Origin header, which defaults to the server's origin;
   * `csrf` is the X-CSRF-Token header of a state-changing request, which
   * defaults to the session's token. Null leaves either out.
   */
  async request(method, path, options = {}) {
    const headers = { ...(options.headers ?? {}) };
    const origin = options.origin === undefined ? this.baseUrl : options.origin;
    if (origin !== null) headers.Origin = origin;
    const csrf = options.csrf === undefined ? this.csrfToken : options.csrf;
    if (!safeMethods.has(method) && csrf !== null && csrf !== undefined) {
      headers['X-CSRF-Token'] = csrf;
    }
    const cookie = this.cookieHeader();
    if (cookie) headers.Cookie = cookie;

    let body = options.body;
    if (options.json !== undefined) body = JSON.stringify(options.json);
    if (body !== undefined && headers['Content-Type'] === undefined) {
      headers['Content-Type'] = 'application/json';
    }

    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body,
      redirect: 'manual',
    });
    this.storeCookies(response.headers);
    if (!this.sessionToken) this.csrfToken = undefined;
    const text = await response.text();
    assertNoInternals(text, `${this.label}: ${method} ${path} (status ${response.status})`);

    let parsed;
    if ((response.headers.get('content-type') ?? '').includes('application/json') && text !== '') {
      parsed = JSON.parse(text);
      if (typeof parsed?.csrf_token === 'string') this.csrfToken = parsed.csrf_token;
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  }

  get(path, options) {
    return this.request('GET', path, options);
  }

  post(path, json, options = {}) {
    return this.request('POST', path, { ...options, json });
  }

  delete(path, options) {
    return this.request('DELETE', path, options);
  }
}

/**
 * Asserts a JSON error response: its status, `error.code` and, when given,
 * `error.field`. Returns the response so a test can check more.
 */
export function assertError(response, status, code, field) {
  const context = `response ${response.status} ${response.text}`;
  assert.equal(response.status, status, context);
  assert.ok(response.body?.error, `the body is not a JSON error: ${context}`);
  assert.equal(response.body.error.code, code, context);
  assert.equal(typeof response.body.error.message, 'string', context);
  if (field !== undefined) assert.equal(response.body.error.field, field, context);
  assert.match(response.body.request_id, /^[0-9a-f-]+$/, context);
  return response;
}
