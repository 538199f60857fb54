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
      if (!isNoScript(error)) throw error;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

const isNoScript = (error: unknown) => error instanceof Error && error.message.startsWith('NOSCRIPT');

interface Pending {
  script: LuaScript;
  keys: string[];
  args: (string | number)[];
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Sends the script calls made in one tick of the event loop as one pipeline:
 * one socket write instead of one per call, which is most of a client's CPU
 * per command. Calls stay independent; each gets its own reply or error.
 */
export class ScriptPipeliner {
  private queue: Pending[] = [];

  constructor(private readonly client: Pick<Redis, 'evalsha' | 'eval' | 'pipeline'>) {}

  run(script: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.queue.push({ script, keys, args, resolve, reject }) === 1) process.nextTick(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 1) {
      const [only] = batch as [Pending];
      only.script.run(this.client, only.keys, only.args).then(only.resolve, only.reject);
      return;
    }
    const pipeline = this.client.pipeline();
    for (const call of batch) pipeline.evalsha(call.script.sha, call.keys.length, ...call.keys, ...call.args);
    pipeline.exec().then(
      (replies) =>
        batch.forEach((call, i) => {
          const [error, value] = replies?.[i] ?? [new Error('pipeline returned no reply'), null];
          if (!error) call.resolve(value);
          else if (isNoScript(error)) call.script.run(this.client, call.keys, call.args).then(call.resolve, call.reject);
          else call.reject(error);
        }),
      (error: unknown) => batch.forEach((call) => call.reject(error)),
    );
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
