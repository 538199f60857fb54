import { describe, expect, it, vi } from 'vitest';
import { API_ERROR_CODES } from '../contract/errors';
import {
  ActionIdReusedError,
  ActionInProgressError,
  AuthNotConfiguredError,
  BodyTooLargeError,
  BulkLimitError,
  CrossSiteRequestError,
  ForbiddenError,
  FreshSnapshotTimeoutError,
  type IdemscopeError,
  InvalidParameterError,
  InvalidTokenError,
  JobNotFoundError,
  JobStateError,
  MethodNotAllowedError,
  NotFoundError,
  PurgeAlreadyRunningError,
  RateLimitedError,
  ReadOnlyError,
  StorePrivilegeError,
  StoreUnavailableError,
  UnauthenticatedError,
} from '../errors';
import { errorResponse, mapError } from './error-response';

const GENERIC = { error: { code: 'internal', message: 'Internal error; the server log has the details.' } };

const table: [IdemscopeError, number, string, Record<string, string>][] = [
  [new InvalidParameterError('limit', 'too big'), 400, 'bad_request', {}],
  [new BodyTooLargeError(4096), 413, 'body_too_large', {}],
  [new BulkLimitError(100, 101), 413, 'bulk_limit_exceeded', {}],
  [new NotFoundError('key', 'k'), 404, 'not_found', {}],
  [new JobNotFoundError('j1'), 404, 'not_found', {}],
  [new ActionIdReusedError('a1'), 409, 'action_id_reused', {}],
  [new ActionInProgressError('a1'), 409, 'action_in_progress', {}],
  [new PurgeAlreadyRunningError('j1'), 409, 'purge_running', {}],
  [new JobStateError('j1', 'completed', 'cancelled'), 409, 'job_state', {}],
  [new UnauthenticatedError(), 401, 'unauthenticated', { 'WWW-Authenticate': 'Bearer realm="idemscope"' }],
  [new InvalidTokenError(), 401, 'invalid_token', {}],
  [new ForbiddenError('no'), 403, 'forbidden', {}],
  [new CrossSiteRequestError('foreign origin'), 403, 'cross_site_request', {}],
  [new ReadOnlyError(), 405, 'read_only', { Allow: 'GET, HEAD' }],
  [new MethodNotAllowedError('GET', ['POST']), 405, 'method_not_allowed', { Allow: 'POST' }],
  [new RateLimitedError(7, 30), 429, 'rate_limited', { 'Retry-After': '7' }],
  [new StoreUnavailableError('redis', 'down'), 503, 'store_unavailable', { 'Retry-After': '5' }],
  [new StorePrivilegeError('postgres', ['DELETE on public.processed_messages']), 403, 'store_privilege', {}],
  [new AuthNotConfiguredError(), 503, 'auth_not_configured', {}],
  [new FreshSnapshotTimeoutError(1000), 504, 'timeout', {}],
];

describe('mapError', () => {
  it.each(table)('%s → %i %s', (error, status, code, headers) => {
    const mapped = mapError(error);
    expect(mapped.status).toBe(status);
    expect(mapped.body).toEqual({ error: { code, message: error.message, ...(error.parameter ? { parameter: error.parameter } : {}) } });
    expect(mapped.headers).toEqual(headers);
  });

  it('sends only codes the contract lists, and every listed code but the generic one has a class', () => {
    const sent = new Set(table.map(([error]) => mapError(error).body.error.code));
    expect([...sent].every((code) => (API_ERROR_CODES as readonly string[]).includes(code))).toBe(true);
    expect(API_ERROR_CODES.filter((code) => !sent.has(code))).toEqual(['internal']);
  });

  it('names the parameter at fault, and only for a bad parameter', () => {
    expect(mapError(new InvalidParameterError('state', 'unknown state')).body).toEqual({
      error: { code: 'bad_request', message: 'state: unknown state', parameter: 'state' },
    });
    expect('parameter' in mapError(new NotFoundError('message', 'm')).body.error).toBe(false);
  });

  it('answers anything else with a generic 500, even an error that looks like it carries a status', () => {
    const lookalike = Object.assign(new Error('postgresql://u:pw@db/x'), { status: 400, code: 'bad_request' });
    for (const error of [new Error('boom postgresql://u:pw@db/x'), lookalike, 'a string', null]) {
      expect(mapError(error)).toEqual({ status: 500, body: GENERIC, headers: {} });
    }
  });

  it('keeps the cause chain on the error but never sends it', () => {
    const driver = new Error('connect ECONNREFUSED postgresql://u:hunter2@db:5432/x');
    const error = new StoreUnavailableError('postgres', 'connect ECONNREFUSED', { cause: driver });
    expect(error.cause).toBe(driver);
    expect(error.context).toEqual({ store: 'postgres' });
    const mapped = mapError(error);
    expect(Object.keys(mapped.body.error)).toEqual(['code', 'message']);
    expect(JSON.stringify(mapped)).not.toMatch(/hunter2|5432|cause|context/);
    expect(new ForbiddenError('no')).not.toHaveProperty('cause');
  });
});

describe('errorResponse', () => {
  it('sends the mapped body and headers, never cached', async () => {
    const response = errorResponse(new RateLimitedError(3, 10));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: { code: 'rate_limited', message: 'Too many requests: at most 10 per minute; retry in 3 s.' } });
  });

  it('logs an unknown error without credentials or stack, and sends neither', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const response = errorResponse(new Error('connect to redis://default:hunter2@cache:6379 failed'));
      const text = await response.text();
      expect(response.status).toBe(500);
      expect(JSON.parse(text)).toEqual(GENERIC);
      expect(text).not.toMatch(/hunter2|at .*\.ts/);
      expect(log).toHaveBeenCalledWith('[api] Error: connect to redis://***@cache:6379 failed');
    } finally {
      log.mockRestore();
    }
  });

  it('logs nothing for an error the app raised on purpose', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      errorResponse(new AuthNotConfiguredError());
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });
});
