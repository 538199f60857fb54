import { spawn } from 'node:child_process';

/** One command in the Redis protocol, as redis-cli --pipe expects it. */
export function resp(args: readonly string[]): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return out;
}

/**
 * Streams commands into `redis-cli --pipe`, the fastest bulk loader Redis
 * has, and resolves with the number of replies once it has them all.
 */
export async function pipeToRedis(url: string, commands: Iterable<string>): Promise<number> {
  const child = spawn('redis-cli', ['-u', url, '--pipe'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  let buffer = '';
  for (const command of commands) {
    buffer += command;
    if (buffer.length >= 1 << 20) {
      if (!child.stdin.write(buffer)) await new Promise((r) => child.stdin.once('drain', r));
      buffer = '';
    }
  }
  child.stdin.end(buffer);
  const code = await exited;
  const summary = /errors: (\d+), replies: (\d+)/.exec(output);
  if (code !== 0 || !summary || summary[1] !== '0') throw new Error(`redis-cli --pipe failed (exit ${code}): ${output.trim()}`);
  return Number(summary[2]);
}
