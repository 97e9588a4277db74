// A small HTTP client for the API: one instance per user, with a cookie jar
// for the session cookie and the Origin header the server requires on writes.

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

export class ApiClient {
  constructor(label = 'anonymous') {
    this.label = label;
    this.cookies = new Map();
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
   * `body` (a raw string), `origin` and `headers` (more headers). `origin` is
   * the Origin header, which defaults to the server's origin. Null leaves it out.
   */
  async request(method, path, options = {}) {
    const headers = { ...(options.headers ?? {}) };
    const origin = options.origin === undefined ? baseUrl : options.origin;
    if (origin !== null) headers.Origin = origin;
    const cookie = this.cookieHeader();
    if (cookie) headers.Cookie = cookie;

    let body = options.body;
    if (options.json !== undefined) body = JSON.stringify(options.json);
    if (body !== undefined && headers['Content-Type'] === undefined) {
      headers['Content-Type'] = 'application/json';
    }

    const response = await fetch(`${baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    this.storeCookies(response.headers);
    const text = await response.text();
    assertNoInternals(text, `${this.label}: ${method} ${path} (status ${response.status})`);

    let parsed;
    if ((response.headers.get('content-type') ?? '').includes('application/json') && text !== '') {
      parsed = JSON.parse(text);
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  }

  get(path, options) {
    return this.request('GET', path, options);
  }

  post(path, json, options = {}) {
    return this.request('POST', path, { ...options, json });
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
