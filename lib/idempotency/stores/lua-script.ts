import { createHash } from 'node:crypto';

/** node-redis' script options; node-redis sends only strings (or Buffers), so numbers are the caller's to format. */
export interface ScriptCall {
  keys: string[];
  arguments: string[];
}

/**
 * The part of a node-redis client that running a script needs. Structural, so
 * that a plain client, a pool or a cluster client (whose commands take the
 * same arguments) all fit without this library importing the driver.
 */
export interface ScriptClient {
  evalSha(sha1: string, options: ScriptCall): Promise<unknown>;
  eval(script: string, options: ScriptCall): Promise<unknown>;
}

/**
 * A Lua script run by EVALSHA, falling back to EVAL (which also caches it)
 * when the server does not know it yet, e.g. after a restart or SCRIPT FLUSH.
 * Unlike node-redis' defineScript it needs no special client: any caller's
 * client runs it as it is.
 */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: ScriptClient, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await client.evalSha(this.sha, { keys, arguments: args });
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, { keys, arguments: args });
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
