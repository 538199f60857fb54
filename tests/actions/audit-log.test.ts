import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appendAudit, listAudit } from '../../lib/audit/audit-log';
import { auditToCsv, csvCell } from '../../lib/audit/csv';
import { MAX_LISTED } from '../../lib/audit/entry';
import { attemptedAction, auditRefusals } from '../../lib/auth/refusals';
import { ForbiddenError } from '../../lib/errors';
import { SlidingWindowLimiter } from '../../lib/auth/rate-limit';
import { SOCKET_ADDRESS_HEADER, socketAddressHeaderValue } from '../../lib/http/node-guard';
import { actionFixture, type ActionFixture } from './setup';

let f: ActionFixture;
beforeAll(async () => {
  f = await actionFixture('audit');
});
afterAll(() => f.close());

describe('audit log', () => {
  it('is append-only: UPDATE, DELETE and TRUNCATE are rejected by the database', async () => {
    const entry = await appendAudit(f.db, { actor: 'operator#a', role: 'operator', action: 'keys.release', outcome: 'ok' });
    await expect(f.db.$executeRaw`UPDATE idemscope.audit_log SET actor = 'someone else' WHERE id = ${BigInt(entry.id)}`).rejects.toThrow(/append-only/);
    await expect(f.db.$executeRaw`DELETE FROM idemscope.audit_log`).rejects.toThrow(/append-only/);
    await expect(f.db.$executeRaw`TRUNCATE idemscope.audit_log`).rejects.toThrow(/append-only/);
    expect((await listAudit(f.db, {}, 10)).items[0]).toMatchObject({ id: entry.id, actor: 'operator#a' });
  });

  it('caps the stored targets and keeps their count', async () => {
    const targets = Array.from({ length: 250 }, (_, i) => `k${i}`);
    const entry = await appendAudit(f.db, { actor: 'operator#a', role: 'operator', action: 'keys.release', outcome: 'ok', targets, seen: targets });
    expect(entry.targets).toHaveLength(MAX_LISTED);
    expect(entry.seen).toHaveLength(MAX_LISTED);
    expect(entry.targetCount).toBe(250);
  });

  it('records refusals of signed-in users, at most a few per user per minute', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const record = auditRefusals(() => f.db, new SlidingWindowLimiter(2));
      const viewer = { role: 'viewer' as const, label: 'viewer#refused1', via: 'bearer' as const };
      const request = new Request('http://dash.test/api/v1/purge/6f1c1c9e-3b7e-4d51-9a55-0b9a4c0d2e11/cancel', {
        method: 'POST',
        headers: { [SOCKET_ADDRESS_HEADER]: socketAddressHeaderValue('10.1.2.3'), 'x-forwarded-for': '198.51.100.7' },
      });
      for (let i = 0; i < 3; i++) await record(viewer, request, new ForbiddenError('Actions need the operator role.'));
      const { items } = await listAudit(f.db, { actor: 'viewer#refused1' }, 10);
      expect(items).toHaveLength(2);
      expect(items[0]).toMatchObject({
        role: 'viewer',
        action: 'purge.cancel',
        outcome: 'refused',
        parameters: { method: 'POST' },
        result: { status: 403, code: 'forbidden' },
        clientAddress: '10.1.2.3',
      });
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/viewer#refused1 not audited/));
    } finally {
      warn.mockRestore();
    }
  });

  it('names the attempted action from the request path', () => {
    expect(attemptedAction('/api/v1/keys/release')).toBe('keys.release');
    expect(attemptedAction('/api/v1/purge')).toBe('purge');
    expect(attemptedAction('/api/v1/purge/6f1c1c9e-3b7e-4d51-9a55-0b9a4c0d2e11/resume')).toBe('purge.resume');
  });

  it('filters by action and actor and pages newest first with a cursor', async () => {
    for (let i = 0; i < 5; i++) {
      await appendAudit(f.db, { actor: i % 2 ? 'operator#b' : 'operator#c', role: 'operator', action: 'purge.postgres', outcome: 'started', result: { i } });
    }
    const page1 = await listAudit(f.db, { action: 'purge.postgres' }, 2);
    expect(page1.items.map((e) => e.result.i)).toEqual([4, 3]);
    const page2 = await listAudit(f.db, { action: 'purge.postgres', beforeId: BigInt(page1.nextCursor!) }, 2);
    expect(page2.items.map((e) => e.result.i)).toEqual([2, 1]);
    const last = await listAudit(f.db, { action: 'purge.postgres', beforeId: BigInt(page2.nextCursor!) }, 2);
    expect(last).toMatchObject({ nextCursor: null });
    expect(last.items.map((e) => e.result.i)).toEqual([0]);
    expect((await listAudit(f.db, { action: 'purge.postgres', actor: 'operator#b' }, 10)).items.map((e) => e.result.i)).toEqual([3, 1]);
  });
});

describe('CSV export', () => {
  it('quotes per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"\nthen')).toBe('"say ""hi""\nthen"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell(null)).toBe('');
    expect(csvCell({ released: 2 })).toBe('"{""released"":2}"');
  });

  it('writes a header and one line per entry', () => {
    const csv = auditToCsv([
      {
        id: '1', at: '2026-01-01T00:00:00.000Z', actor: 'operator#a', role: 'operator', action: 'keys.release', actionId: null, store: 'redis',
        outcome: 'ok', parameters: {}, targets: ['k1'], targetCount: 1, seen: [], reason: 'why, because', result: { released: 1 }, clientAddress: '::1',
      },
    ]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('id,at,actor,role,action,actionId,store,outcome,reason,targetCount,targets,result,parameters,seen,clientAddress');
    expect(lines[1]).toBe('1,2026-01-01T00:00:00.000Z,operator#a,operator,keys.release,,redis,ok,"why, because",1,"[""k1""]","{""released"":1}",{},[],::1');
  });
});
