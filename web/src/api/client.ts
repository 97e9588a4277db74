// The one place that talks HTTP to the backend. Every route in docs/api.md is
// under /api on the app's own origin, so all URLs here are relative.
import { formatMessage } from '../shared/messages';

/** Error codes that docs/api.md defines, plus the ones this client adds. */
export type KnownErrorCode =
  | 'malformed_json'
  | 'invalid_field'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'mfa_required'
  | 'forbidden'
  | 'bad_origin'
  | 'bad_csrf_token'
  | 'too_many_attempts'
  | 'not_found'
  | 'conflict'
  | 'body_too_large'
  | 'unavailable'
  // Added by this client: the request never reached the server.
  | 'network_error'
  // Added by this client: the body was not the documented error shape
  // (for example an HTML page from a proxy).
  | 'unexpected_response';

// `string & {}` keeps editor completion for the known codes while still
// accepting codes a newer server may send.
export type ErrorCode = KnownErrorCode | (string & {});

/** A failed API call: the HTTP status and the fields of the error body. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  /** The request field the error is about, when the server names one. */
  readonly field: string | undefined;
  /** The server's id for this request, for finding it in the server log. */
  readonly requestId: string | undefined;

  constructor(status: number, code: ErrorCode, message: string, field?: string, requestId?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.requestId = requestId;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Parses an error response body of the form
 * `{"error": {"code", "message", "field"?}, "request_id"}` into an ApiError.
 * A body that is not that shape still yields an ApiError with the HTTP
 * status and the code `unexpected_response`, so callers handle one type.
 */
export function parseApiError(status: number, bodyText: string): ApiError {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    body = undefined;
  }

  const error = isRecord(body) ? body.error : undefined;
  const code = isRecord(error) ? optionalString(error.code) : undefined;
  if (!isRecord(body) || !isRecord(error) || code === undefined) {
    return new ApiError(
      status,
      'unexpected_response',
      `The server returned HTTP ${status} with an unexpected body.`,
    );
  }

  const message = optionalString(error.message) ?? `The server returned HTTP ${status} (${code}).`;
  return new ApiError(status, code, message, optionalString(error.field), optionalString(body.request_id));
}

/**
 * Receives every 401 `unauthenticated` and 403 `mfa_required`, so the session
 * state can react to an expired session wherever the call was made.
 */
export type AuthFailureListener = (error: ApiError) => void;

let authFailureListener: AuthFailureListener | undefined;

export function setAuthFailureListener(listener: AuthFailureListener | undefined): void {
  authFailureListener = listener;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

// The session's CSRF token. The sign-in, session and MFA responses carry it
// as `csrf_token`; every state-changing request sends it back in the
// X-CSRF-Token header. It lives only in memory, like the rest of the session.
let csrfToken: string | undefined;

// When the server last saw a request of this session, which restarts its
// idle timer (milliseconds since the epoch). The idle warning counts from it.
let lastRequestAt = Date.now();

/** When the last API request was sent, in milliseconds since the epoch. */
export function lastRequestTime(): number {
  return lastRequestAt;
}

/** Forgets the CSRF token, at sign-out. */
export function clearCsrfToken(): void {
  csrfToken = undefined;
}

function rememberCsrfToken(body: unknown): void {
  if (isRecord(body) && typeof body.csrf_token === 'string') {
    csrfToken = body.csrf_token;
  }
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Skip the auth failure listener, for calls that handle 401 themselves. */
  quietAuthFailure?: boolean;
  /** Set on the one retry after the server asked for a fresh CSRF token. */
  isCsrfRetry?: boolean;
}

/**
 * Sends one API request and returns the parsed JSON body, or `undefined` for
 * 204 No Content. Throws ApiError for any failure, including network errors
 * (status 0), and lets an AbortError from `signal` through unchanged.
 *
 * The session cookie goes with `credentials: 'same-origin'`. The browser adds
 * the Origin header that the backend requires on state-changing requests.
 */
export async function request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && csrfToken !== undefined) {
    headers['X-CSRF-Token'] = csrfToken;
  }
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  if (options.signal) {
    init.signal = options.signal;
  }

  let response: Response;
  lastRequestAt = Date.now();
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') {
      throw error;
    }
    throw new ApiError(0, 'network_error', 'Could not reach the server. Check your connection and try again.');
  }

  const bodyText = await response.text();
  if (!response.ok) {
    const error = parseApiError(response.status, bodyText);
    // A page loaded before the session's token changed (a reload, MFA in
    // another tab) fetches the current token once and tries again.
    if (error.code === 'bad_csrf_token' && !options.isCsrfRetry) {
      await request('GET', '/api/auth/session', { quietAuthFailure: true, signal: options.signal });
      return request<T>(method, path, { ...options, isCsrfRetry: true });
    }
    const isAuthFailure =
      (error.status === 401 && error.code === 'unauthenticated') ||
      (error.status === 403 && error.code === 'mfa_required');
    if (isAuthFailure && !options.quietAuthFailure) {
      authFailureListener?.(error);
    }
    throw error;
  }

  if (response.status === 204 || bodyText === '') {
    return undefined as T;
  }
  try {
    const parsed: unknown = JSON.parse(bodyText);
    rememberCsrfToken(parsed);
    return parsed as T;
  } catch {
    throw new ApiError(
      response.status,
      'unexpected_response',
      `The server returned HTTP ${response.status} with a body that is not JSON.`,
    );
  }
}

/**
 * Returns the text to show a person for a failed call, as a sentence without
 * the server's "field: " prefix. Server errors add the request id so that
 * support can find the request in the server log.
 */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const message = formatMessage(error.message);
    if (error.status >= 500 && error.requestId) {
      return `${message} (reference ${error.requestId})`;
    }
    return message;
  }
  if (error instanceof Error) {
    return formatMessage(error.message);
  }
  return 'Something went wrong. Try again.';
}
