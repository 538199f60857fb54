import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** The part of an ioredis client that running a script needs. */
export type ScriptClient = Pick<Redis, 'evalsha' | 'eval'>;

/**
 * A Lua script run by EVALSHA, falling back to EVAL (which also caches it)
 * when the server does not know it yet, e.g. after a restart or SCRIPT FLUSH.
 * Unlike ioredis' defineCommand it leaves the caller's client untouched.
 */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: ScriptClient, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * Deletes KEYS[1] only while it still holds exactly ARGV[1]; returns 1 if it
 * did. The safe way to let go of a claim: a plain DEL after a lost lease would
 * delete the claim of whoever took over.
 */
export const COMPARE_AND_DELETE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

export async function compareAndDelete(client: ScriptClient, key: string, expected: string): Promise<boolean> {
  return (await COMPARE_AND_DELETE.run(client, [key], [expected])) === 1;
}
