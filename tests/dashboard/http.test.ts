import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { describeFailure, ForbiddenError, FreshSnapshotTimeoutError, InvalidParameterError, NotFoundError, StoreUnavailableError, UnauthenticatedError } from '../../lib/errors';
import { mapError } from '../../lib/http/error-response';
import { handle, ok } from '../../lib/http/handle';
import { durationParam, flagParam, instantParam, limitParam, parseQuery } from '../../lib/http/query';

const url = (query: string) => new URL(`http://x.test/api${query}`);

describe('parseQuery', () => {
  const shape = { limit: limitParam(50, 500), fresh: flagParam, from: instantParam.optional(), bucket: durationParam.optional() };

  it('applies defaults, treats empty values as absent and converts types', () => {
    expect(parseQuery(url('?limit=&fresh=1&from=2026-01-02T03:04:05Z&bucket=hour'), shape)).toEqual({
      limit: 50,
      fresh: true,
      from: Date.parse('2026-01-02T03:04:05Z'),
      bucket: 3600,
    });
    expect(parseQuery(url('?from=1700000000000&bucket=300'), shape)).toMatchObject({ from: 1_700_000_000_000, bucket: 300, fresh: false });
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=1.5', 'limit'],
    ['?fresh=yes', 'fresh'],
    ['?from=tomorrow', 'from'],
    ['?from=2026-13-45', 'from'],
    ['?bucket=-5', 'bucket'],
    ['?bucket=fortnight', 'bucket'],
  ])('%s is a 400 naming %s', (query, parameter) => {
    let error: unknown;
    try {
      parseQuery(url(query), shape);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).parameter).toBe(parameter);
    expect((error as Error).message.startsWith(`${parameter}: `)).toBe(true);
  });
});

describe('mapError: the one table of statuses', () => {
  it.each([
    [new InvalidParameterError('limit', 'too big'), 400, 'bad_request'],
    [new NotFoundError('key', 'k'), 404, 'not_found'],
    [new StoreUnavailableError('redis', 'down'), 503, 'store_unavailable'],
    [new FreshSnapshotTimeoutError(1000), 504, 'timeout'],
    [new UnauthenticatedError(), 401, 'unauthenticated'],
    [new ForbiddenError('no'), 403, 'forbidden'],
    [new Error('boom postgresql://u:pw@h/db'), 500, 'internal'],
  ])('%s → %i %s', (error, status, code) => {
    const mapped = mapError(error);
    expect(mapped.status).toBe(status);
    expect(mapped.body.error.code).toBe(code);
    expect(JSON.stringify(mapped.body)).not.toContain('pw@');
  });

  it('keeps the headers an access error asks for', () => {
    expect(mapError(new UnauthenticatedError()).headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="idemscope"' });
  });
});

describe('handle', () => {
  it('turns {status, body} into a JSON response, awaiting route params', async () => {
    const GET = handle<{ id: string }>(async ({ params, url: u }) => ok({ id: params.id, q: u.searchParams.get('q') }));
    const response = await GET(new Request('http://x.test/a?q=1'), { params: Promise.resolve({ id: 'abc' }) });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ id: 'abc', q: '1' });
  });

  it('sends string bodies as text with the handler headers', async () => {
    const GET = handle(() => ok('a 1\n', { 'Content-Type': 'text/plain' }));
    const response = await GET(new Request('http://x.test/m'));
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(await response.text()).toBe('a 1\n');
  });

  it('runs the guard first and hands its result to the handler; a refusal maps like any error', async () => {
    const seen: unknown[] = [];
    const guarded = handle(
      ({ principal }) => {
        seen.push(principal);
        return ok({});
      },
      { guard: (request) => (request.headers.get('x-user') ? { user: request.headers.get('x-user') } : Promise.reject(new UnauthenticatedError())) },
    );
    expect((await guarded(new Request('http://x.test/', { headers: { 'x-user': 'ann' } }))).status).toBe(200);
    expect(seen).toEqual([{ user: 'ann' }]);
    const refused = await guarded(new Request('http://x.test/'));
    expect(refused.status).toBe(401);
    expect(seen).toHaveLength(1);
  });

  it('answers errors as {error: {code, message}}', async () => {
    const GET = handle(() => {
      throw new InvalidParameterError('state', 'unknown state');
    });
    const response = await GET(new Request('http://x.test/'));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'bad_request', message: 'state: unknown state', parameter: 'state' } });
  });
});

describe('describeFailure', () => {
  it('keeps the driver message of a Prisma invocation report and drops credentials', () => {
    const prismaLike = new Error('\nInvalid `prisma.$queryRawUnsafe()` invocation:\n\n\nRaw query failed. Code: `N/A`. Message: `Can\'t reach database server at 127.0.0.1:1`');
    expect(describeFailure(prismaLike)).toBe("Can't reach database server at 127.0.0.1:1");
    expect(describeFailure(new Error('connect to redis://default:hunter2@cache:6379 failed'))).toBe('connect to redis://***@cache:6379 failed');
  });
});

describe('zod sanity for enum parameters', () => {
  it('names the parameter for enum mismatches', () => {
    expect(() => parseQuery(url('?store=mongo'), { store: z.enum(['redis', 'postgres']) })).toThrow(/^store: /);
  });
});
