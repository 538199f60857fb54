import { describe, expect, it } from 'vitest';
import { jobActionBody, jobIdParam, purgeBody, releaseBody, seenTarget, tableName } from './schemas';

const SEEN = 'a'.repeat(32);
const ACTION = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

/** The first problem's field and message, or null when the body is accepted. */
function problem(schema: { safeParse(input: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, input: unknown) {
  const parsed = schema.safeParse(input);
  if (parsed.success) return null;
  const issue = parsed.error!.issues[0]!;
  return `${issue.path.join('.')}: ${issue.message}`;
}

describe('a previewed target ({key, seen})', () => {
  it('takes a key of 1 to 1024 characters and the seen token the preview returned: 32 to 40 lower-case hex digits', () => {
    expect(seenTarget.parse({ key: 'k', seen: SEEN })).toEqual({ key: 'k', seen: SEEN });
    expect(problem(seenTarget, { key: 'k'.repeat(1024), seen: 'f'.repeat(40) })).toBeNull();
    expect(problem(seenTarget, { key: 'k'.repeat(1025), seen: SEEN })).toMatch(/^key: /);
    expect(problem(seenTarget, { key: '', seen: SEEN })).toMatch(/^key: /);
    expect(problem(seenTarget, { key: 'k', seen: 'a'.repeat(31) })).toBe('seen: must be the `seen` value the preview returned');
    expect(problem(seenTarget, { key: 'k', seen: 'a'.repeat(41) })).toMatch(/^seen: /);
    expect(problem(seenTarget, { key: 'k', seen: 'A'.repeat(32) })).toMatch(/^seen: /);
    expect(problem(seenTarget, { key: 'k', seen: `${'a'.repeat(32)}\n` })).toMatch(/^seen: /);
    expect(problem(seenTarget, { key: 'k', seen: `g${'a'.repeat(31)}` })).toMatch(/^seen: /);
  });

  it('refuses a key with a NUL, which the audit log could not store after the action ran', () => {
    expect(problem(seenTarget, { key: 'a\u0000b', seen: SEEN })).toBe('key: must not contain NUL characters');
  });

  it('refuses fields it does not know', () => {
    expect(problem(seenTarget, { key: 'k', seen: SEEN, force: true })).toMatch(/force/);
  });
});

describe('a watched table name', () => {
  it('is schema.table of plain lower-case identifiers of at most 63 characters each', () => {
    for (const ok of ['public.processed_messages', '_a.b9', `${'s'.repeat(63)}.${'t'.repeat(63)}`]) expect(tableName.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['processed_messages', 'public.Processed', '9a.b', 'a.9b', 'a.b.c', 'a.b;drop', ' a.b', `${'s'.repeat(64)}.t`, `s.${'t'.repeat(64)}`]) {
      expect(problem(tableName, bad), bad).toBe(': must be schema.table, one of IDEMSCOPE_TABLES');
    }
  });
});

describe('a release request', () => {
  it('takes keys, plain or as previewed targets, and is a real release unless dryRun says otherwise', () => {
    expect(releaseBody.parse({ keys: ['a', { key: 'b', seen: SEEN }] })).toEqual({ keys: ['a', { key: 'b', seen: SEEN }], dryRun: false });
    expect(releaseBody.parse({ keys: ['a'], dryRun: true }).dryRun).toBe(true);
  });

  it('takes olderThanSeconds from 0 up to ten years, whole seconds only', () => {
    expect(releaseBody.parse({ olderThanSeconds: 0 }).olderThanSeconds).toBe(0);
    expect(releaseBody.parse({ olderThanSeconds: 315_360_000 }).olderThanSeconds).toBe(315_360_000);
    expect(problem(releaseBody, { olderThanSeconds: 315_360_001 })).toMatch(/^olderThanSeconds: /);
    expect(problem(releaseBody, { olderThanSeconds: -1 })).toMatch(/^olderThanSeconds: /);
    expect(problem(releaseBody, { olderThanSeconds: 1.5 })).toMatch(/^olderThanSeconds: /);
  });

  it('needs either keys or olderThanSeconds: both or neither is refused, naming keys', () => {
    const either = 'keys: send either keys or olderThanSeconds, not both or neither';
    expect(problem(releaseBody, {})).toBe(either);
    expect(problem(releaseBody, { keys: ['a'], olderThanSeconds: 60 })).toBe(either);
    expect(problem(releaseBody, { keys: [] })).toMatch(/^keys: /);
    expect(problem(releaseBody, { keys: [''] })).toMatch(/^keys/);
  });

  it('takes a reason with its surrounding blanks trimmed, and refuses one that is blank or over 500 characters', () => {
    expect(releaseBody.parse({ keys: ['a'], reason: '  stuck after deploy \n' }).reason).toBe('stuck after deploy');
    expect(problem(releaseBody, { keys: ['a'], reason: '   ' })).toBe('reason: must not be empty');
    expect(problem(releaseBody, { keys: ['a'], reason: 'r'.repeat(500) })).toBeNull();
    expect(problem(releaseBody, { keys: ['a'], reason: 'r'.repeat(501) })).toMatch(/^reason: /);
  });

  it('takes an action id only as a UUID, and a table only as schema.table', () => {
    expect(releaseBody.parse({ keys: ['a'], actionId: ACTION, table: 'public.t' })).toMatchObject({ actionId: ACTION, table: 'public.t' });
    expect(problem(releaseBody, { keys: ['a'], actionId: 'retry-1' })).toMatch(/^actionId: /);
    expect(problem(releaseBody, { keys: ['a'], table: 't' })).toMatch(/^table: /);
    expect(problem(releaseBody, { keys: ['a'], everything: true })).toMatch(/everything/);
  });
});

describe('a purge request', () => {
  it('names its store: a Postgres purge of one table, dry-run off by default', () => {
    expect(purgeBody.parse({ store: 'postgres' })).toEqual({ store: 'postgres', dryRun: false });
    expect(purgeBody.parse({ store: 'postgres', dryRun: true, table: 'public.t', reason: ' done ' })).toEqual({ store: 'postgres', dryRun: true, table: 'public.t', reason: 'done' });
    expect(problem(purgeBody, { store: 'postgres', keys: [{ key: 'k', seen: SEEN }] })).toMatch(/keys/);
    expect(problem(purgeBody, { store: 'mysql' })).toMatch(/^store: /);
    expect(problem(purgeBody, {})).toMatch(/^store: /);
  });

  it('a Redis purge expires or deletes previewed targets only, never plain keys', () => {
    expect(purgeBody.parse({ store: 'redis', mode: 'delete', keys: [{ key: 'k', seen: SEEN }] })).toEqual({ store: 'redis', dryRun: false, mode: 'delete', keys: [{ key: 'k', seen: SEEN }] });
    expect(purgeBody.parse({ store: 'redis', mode: 'expire' })).toMatchObject({ mode: 'expire' });
    expect(problem(purgeBody, { store: 'redis', mode: 'flush' })).toMatch(/^mode: /);
    expect(problem(purgeBody, { store: 'redis', keys: ['k'] })).toMatch(/^keys\.0/);
    expect(problem(purgeBody, { store: 'redis', keys: [] })).toMatch(/^keys: /);
    expect(problem(purgeBody, { store: 'redis', table: 'public.t' })).toMatch(/table/);
    expect(problem(purgeBody, { store: 'redis', reason: '' })).toBe('reason: must not be empty');
    expect(problem(purgeBody, { store: 'redis', actionId: 'x' })).toMatch(/^actionId: /);
  });
});

describe('a purge job action', () => {
  it('takes an optional action id and nothing else, for a job named by its UUID', () => {
    expect(jobActionBody.parse({})).toEqual({});
    expect(jobActionBody.parse({ actionId: ACTION })).toEqual({ actionId: ACTION });
    expect(problem(jobActionBody, { actionId: ACTION, force: true })).toMatch(/force/);
    expect(jobIdParam.parse(ACTION)).toBe(ACTION);
    expect(jobIdParam.safeParse('42').success).toBe(false);
  });
});
