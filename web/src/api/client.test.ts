import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, clearCsrfToken, describeError, parseApiError, request, setAuthFailureListener } from './client';

describe('parseApiError', () => {
  it('reads code, message, field and request id', () => {
    const body = JSON.stringify({
      error: { code: 'invalid_field', message: 'dose: must not be empty', field: 'dose' },
      request_id: '6f1c2a9e0b7d4e21',
    });

    const error = parseApiError(400, body);

    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_field');
    expect(error.message).toBe('dose: must not be empty');
    expect(error.field).toBe('dose');
    expect(error.requestId).toBe('6f1c2a9e0b7d4e21');
  });

  it('leaves field undefined when absent', () => {
    const body = JSON.stringify({ error: { code: 'conflict', message: 'slot already booked' }, request_id: 'abc' });

    const error = parseApiError(409, body);

    expect(error.code).toBe('conflict');
    expect(error.field).toBeUndefined();
  });

  it('keeps codes it does not know', () => {
    const error = parseApiError(429, JSON.stringify({ error: { code: 'rate_limited', message: 'slow down' } }));

    expect(error.code).toBe('rate_limited');
    expect(error.message).toBe('slow down');
    expect(error.requestId).toBeUndefined();
  });

  it('supplies a message when the server sends none', () => {
    const error = parseApiError(403, JSON.stringify({ error: { code: 'forbidden' } }));

    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('403');
  });

  it.each([
    ['an HTML page', '<html><body>Bad Gateway</body></html>'],
    ['an empty body', ''],
    ['a JSON array', '[]'],
    ['an error without code', JSON.stringify({ error: { message: 'x' } })],
    ['an error that is a string', JSON.stringify({ error: 'x' })],
  ])('maps %s to unexpected_response', (_name, body) => {
    const error = parseApiError(502, body);

    expect(error.status).toBe(502);
    expect(error.code).toBe('unexpected_response');
    expect(error.field).toBeUndefined();
  });
});

describe('request', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setAuthFailureListener(undefined);
  });

  function stubFetch(status: number, body: string) {
    const fetchMock = vi.fn(async () => new Response(status === 204 ? null : body, { status }));
    vi.stubGlobal('fetch', fetchMock);
    return fetchMock;
  }

  it('sends JSON with same-origin credentials', async () => {
    const fetchMock = stubFetch(201, JSON.stringify({ id: 'a1' }));

    const result = await request<{ id: string }>('POST', '/api/appointments', { body: { slot_id: 's1' } });

    expect(result).toEqual({ id: 'a1' });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/appointments');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(init.body).toBe('{"slot_id":"s1"}');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it('sends no body or content type on GET', async () => {
    const fetchMock = stubFetch(200, '[]');

    await request('GET', '/api/clinicians');

    const [, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(init.body).toBeUndefined();
    expect((init.headers as Record<string, string>)['Content-Type']).toBeUndefined();
  });

  it('returns undefined for 204', async () => {
    stubFetch(204, '');

    await expect(request('POST', '/api/auth/logout')).resolves.toBeUndefined();
  });

  it('throws ApiError with the field for 422', async () => {
    stubFetch(422, JSON.stringify({ error: { code: 'invalid_field', message: 'ends_at: before starts_at', field: 'ends_at' } }));

    const failure = await request('POST', '/api/availability', { body: {} }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(422);
    expect((failure as ApiError).field).toBe('ends_at');
  });

  it('maps a network failure to status 0', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));

    const failure = await request('GET', '/api/appointments').catch((error: unknown) => error);

    expect((failure as ApiError).status).toBe(0);
    expect((failure as ApiError).code).toBe('network_error');
  });

  it('tells the listener about 401 and 403 mfa_required', async () => {
    const listener = vi.fn();
    setAuthFailureListener(listener);

    stubFetch(401, JSON.stringify({ error: { code: 'unauthenticated', message: 'no session' } }));
    await request('GET', '/api/appointments').catch(() => undefined);
    stubFetch(403, JSON.stringify({ error: { code: 'mfa_required', message: 'mfa' } }));
    await request('GET', '/api/appointments').catch(() => undefined);
    stubFetch(403, JSON.stringify({ error: { code: 'forbidden', message: 'no' } }));
    await request('GET', '/api/availability').catch(() => undefined);

    expect(listener).toHaveBeenCalledTimes(2);
    expect(listener.mock.calls[0]?.[0]).toMatchObject({ code: 'unauthenticated' });
    expect(listener.mock.calls[1]?.[0]).toMatchObject({ code: 'mfa_required' });
  });

  it('skips the listener when asked', async () => {
    const listener = vi.fn();
    setAuthFailureListener(listener);
    stubFetch(401, JSON.stringify({ error: { code: 'unauthenticated', message: 'no session' } }));

    await request('GET', '/api/auth/session', { quietAuthFailure: true }).catch(() => undefined);

    expect(listener).not.toHaveBeenCalled();
  });
});

describe('describeError', () => {
  it('adds the request id to server errors', () => {
    const error = new ApiError(503, 'unavailable', 'The database cannot be reached.', undefined, 'r123');

    expect(describeError(error)).toBe('The database cannot be reached. (reference r123)');
  });

  it('shows client errors as they are', () => {
    const error = new ApiError(409, 'conflict', 'The slot is already booked.', undefined, 'r123');

    expect(describeError(error)).toBe('The slot is already booked.');
  });
});

describe('CSRF token', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    clearCsrfToken();
  });

  function headersOf(fetchMock: ReturnType<typeof vi.fn>, call: number): Record<string, string> {
    const [, init] = fetchMock.mock.calls[call] as unknown as [string, RequestInit];
    return init.headers as Record<string, string>;
  }

  it('echoes the token of the session response on writes only', async () => {
    const fetchMock = vi.fn(async (url: string) =>
      url === '/api/auth/session'
        ? new Response(JSON.stringify({ mfa: 'done', csrf_token: 'tok-1' }), { status: 200 })
        : new Response(null, { status: 204 }),
    );
    vi.stubGlobal('fetch', fetchMock);

    await request('GET', '/api/auth/session');
    await request('GET', '/api/appointments');
    await request('DELETE', '/api/auth/sessions/abc');

    expect(headersOf(fetchMock, 1)['X-CSRF-Token']).toBeUndefined();
    expect(headersOf(fetchMock, 2)['X-CSRF-Token']).toBe('tok-1');
  });

  it('forgets the token at sign-out', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ csrf_token: 'tok-2' }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    await request('POST', '/api/auth/login', { body: {} });
    clearCsrfToken();
    await request('POST', '/api/auth/login', { body: {} });

    expect(headersOf(fetchMock, 1)['X-CSRF-Token']).toBeUndefined();
  });

  it('fetches a fresh token once after bad_csrf_token and retries', async () => {
    const answers = [
      new Response(JSON.stringify({ error: { code: 'bad_csrf_token', message: 'reload' } }), { status: 403 }),
      new Response(JSON.stringify({ mfa: 'done', csrf_token: 'tok-3' }), { status: 200 }),
      new Response(JSON.stringify({ id: 'a1' }), { status: 201 }),
    ];
    const fetchMock = vi.fn(async () => answers.shift() as Response);
    vi.stubGlobal('fetch', fetchMock);

    await expect(request('POST', '/api/appointments', { body: { slot_id: 's1' } })).resolves.toEqual({ id: 'a1' });
    expect(fetchMock).toHaveBeenCalledTimes(3);
    expect(headersOf(fetchMock, 2)['X-CSRF-Token']).toBe('tok-3');
  });
});

