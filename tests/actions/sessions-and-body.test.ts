import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJsonBody } from '../../lib/actions/body';
import { postOnly } from '../../lib/actions/method-not-allowed';
import { endAllSessions } from '../../lib/actions/sessions-action';
import { listAudit } from '../../lib/audit/audit-log';
import { databaseSessionStore } from '../../lib/auth/session-store';
import type { Session } from '../../lib/auth/session';
import { BodyTooLargeError, InvalidParameterError, MethodNotAllowedError } from '../../lib/errors';
import { REQUEST_BODY_LIMIT_BYTES } from '../../lib/http/body-limit';
import { actionFixture, operator, type ActionFixture } from './setup';

let f: ActionFixture;
beforeAll(async () => {
  f = await actionFixture('sessions_body');
});
afterAll(() => f.close());

const entriesOf = async (actionId: string) => (await listAudit(f.db, {}, 200)).items.filter((e) => e.actionId === actionId).reverse();

function session(): Session {
  const now = Math.floor(Date.now() / 1000);
  return { role: 'viewer', label: 'viewer#s', issuedAt: now, expiresAt: now + 3600, nonce: randomBytes(16).toString('base64url') };
}

describe('ending every session', () => {
  it('ends each live session at once, is audited before and after, and a replay ends nothing new', async () => {
    const sessions = databaseSessionStore(() => f.db);
    const [a, b] = [session(), session()];
    await sessions.add(a);
    await sessions.add(b);
    const actionId = randomUUID();
    const outcome = await endAllSessions(f.db, sessions, operator, { reason: 'leaked laptop', actionId });
    expect(outcome).toEqual({ actionId, replayed: false, body: { actionId, ended: 2 } });
    expect(await sessions.isLive(a, Date.now())).toBe(false);
    expect(await sessions.isLive(b, Date.now())).toBe(false);
    const entries = await entriesOf(actionId);
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([
      ['sessions.end-all', 'intent'],
      ['sessions.end-all', 'ok'],
    ]);
    expect(entries[1]).toMatchObject({ reason: 'leaked laptop', result: { ended: 2 } });

    // A double submit gets the first answer; a session signed in since stays live.
    const later = session();
    await sessions.add(later);
    expect(await endAllSessions(f.db, sessions, operator, { reason: 'leaked laptop', actionId })).toEqual({ actionId, replayed: true, body: { actionId, ended: 2 } });
    expect(await sessions.isLive(later, Date.now())).toBe(true);
    expect(await entriesOf(actionId)).toHaveLength(2);
  });
});

describe('an action route answers GET with 405', () => {
  it('names POST as the only method allowed', () => {
    let thrown: unknown;
    try {
      postOnly();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MethodNotAllowedError);
    expect((thrown as MethodNotAllowedError).message).toBe('GET is not allowed here; use POST.');
    expect((thrown as MethodNotAllowedError).headers()).toEqual({ Allow: 'POST' });
  });
});

describe('a request body is parsed, bounded and validated, naming the field at fault', () => {
  const schema = z.strictObject({
    n: z.number().default(1),
    keys: z.array(z.strictObject({ key: z.string(), seen: z.string().regex(/^[0-9a-f]+$/, 'must be hex') })).optional(),
  });
  const post = (body: string, headers: Record<string, string> = {}) => new Request('http://localhost/api/v1/x', { method: 'POST', body, headers });
  const problem = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    return (error as InvalidParameterError).message;
  };

  it('reads an empty or blank body as an empty object, so defaults apply', async () => {
    expect(await parseJsonBody(post(''), schema, 100)).toEqual({ n: 1 });
    expect(await parseJsonBody(post('  \n'), schema, 100)).toEqual({ n: 1 });
  });

  it('accepts a body of exactly the limit, declared or not, and refuses one byte more', async () => {
    const exact = JSON.stringify({ n: 12345 }); // 11 bytes
    expect(await parseJsonBody(post(exact, { 'content-length': '11' }), schema, 11)).toEqual({ n: 12345 });
    await expect(parseJsonBody(post(exact, { 'content-length': '11' }), schema, 10)).rejects.toBeInstanceOf(BodyTooLargeError);
    // Undeclared: the body itself is measured, in bytes, not characters.
    const wide = JSON.stringify({ s: 'éé' }); // 10 characters, 12 bytes
    await expect(parseJsonBody(post(wide), z.object({ s: z.string() }), 11)).rejects.toMatchObject({ message: 'The request body is over 11 bytes.' });
    expect(await parseJsonBody(post(wide), z.object({ s: z.string() }), 12)).toEqual({ s: 'éé' });
  });

  it('holds any body to just under Next\'s own limit, where Next would have cut it short', async () => {
    const error = await parseJsonBody(post('{}', { 'content-length': String(REQUEST_BODY_LIMIT_BYTES) }), schema, Number.MAX_SAFE_INTEGER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect((error as BodyTooLargeError).message).toBe(`The request body is over ${REQUEST_BODY_LIMIT_BYTES - 1} bytes.`);
  });

  it('names the body when it is not JSON or not an object', async () => {
    expect(await problem(parseJsonBody(post('{"n":'), schema, 100))).toBe('body: is not valid JSON');
    expect(await problem(parseJsonBody(post('[1]'), schema, 100))).toMatch(/^body: ./);
  });

  it('names the offending field by its path, and an unknown field as not known', async () => {
    expect(await problem(parseJsonBody(post('{"n":"x"}'), schema, 1000))).toMatch(/^n: ./);
    const keys = JSON.stringify({ keys: [{ key: 'a', seen: 'ab' }, { key: 'b', seen: 'zz' }] });
    expect(await problem(parseJsonBody(post(keys), schema, 1000))).toBe('keys.1.seen: must be hex');
    expect(await problem(parseJsonBody(post('{"n":2,"extra":1}'), schema, 1000))).toBe('extra: is not a known field');
    const nested = JSON.stringify({ keys: [{ key: 'a', seen: 'ab', more: 1 }] });
    expect(await problem(parseJsonBody(post(nested), schema, 1000))).toBe('keys.0.more: is not a known field');
  });
});
