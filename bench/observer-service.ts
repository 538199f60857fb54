/**
 * The service of `npm run bench:observer`, in a process of its own: the
 * recipe (SET key processing NX EX, then SET key result EX) on node-redis at
 * a fixed rate, open loop, so a slow Redis makes claims queue rather than
 * fewer claims be sent. Its keys lie outside the dedup patterns and expire
 * after 2 minutes. Each claim's latency is timed from its send to its reply. Writes `measuring` when the warm-up is over, then one JSON line.
 *
 *   node --import tsx bench/observer-service.ts '{"url":…,"prefix":…,"rate":2000,"warmupMs":5000,"durationMs":60000}'
 */
import { createClient } from 'redis';

interface Settings {
  url: string;
  prefix: string;
  rate: number;
  warmupMs: number;
  durationMs: number;
  /** Claims sent this long after the warm-up also count towards a p99 of their own (the time after a viewer's minute); 0: none. */
  splitAfterMs: number;
  /**
   * Claims also count towards one of two p99s by the parity of the block of
   * this length they were sent in, blocks counted from the end of the
   * warm-up (the bench turns the scanner on for the odd ones); 0: none.
   */
  blockMs: number;
}

const settings = JSON.parse(process.argv[2] ?? '{}') as Settings;
const client = createClient({ url: settings.url, socket: { reconnectStrategy: false } });
client.on('error', () => undefined);
await client.connect();

const latencies: number[] = [];
const latenciesAfterSplit: number[] = [];
const latenciesByBlock: [number[], number[]] = [[], []];
let sent = 0;
let errors = 0;
let measuring = false;
let measuringSince = 0;
const started = performance.now();
const run = Math.random().toString(36).slice(2, 8);

async function claim(n: number): Promise<void> {
  const key = `${settings.prefix}svc:${run}:${n}`;
  const t0 = performance.now();
  const afterSplit = settings.splitAfterMs > 0 && t0 - started >= settings.warmupMs + settings.splitAfterMs;
  const blockLatencies = measuring && settings.blockMs > 0 ? latenciesByBlock[Math.floor((t0 - measuringSince) / settings.blockMs) % 2] : undefined;
  try {
    const claimed = await client.set(key, 'processing', { condition: 'NX', expiration: { type: 'EX', value: 120 } });
    if (measuring) latencies.push(performance.now() - t0);
    if (afterSplit) latenciesAfterSplit.push(performance.now() - t0);
    blockLatencies?.push(performance.now() - t0);
    if (claimed) await client.set(key, '{"status":"shipped"}', { expiration: { type: 'EX', value: 120 } });
  } catch {
    errors++;
  }
}

const end = settings.warmupMs + settings.durationMs;
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const elapsed = performance.now() - started;
    if (!measuring && elapsed >= settings.warmupMs) {
      measuring = true;
      measuringSince = performance.now();
      process.stdout.write('measuring\n');
    }
    if (elapsed >= end) {
      clearInterval(timer);
      resolve();
      return;
    }
    // Open loop: whatever the schedule says is due by now goes out now.
    const due = Math.floor((elapsed / 1000) * settings.rate);
    while (sent < due) void claim(sent++);
  }, 5);
});
// Let the last replies in.
await new Promise((resolve) => setTimeout(resolve, 500));
const quantile = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? null;
latencies.sort((a, b) => a - b);
latenciesAfterSplit.sort((a, b) => a - b);
for (const block of latenciesByBlock) block.sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    claims: latencies.length,
    errors,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    p99AfterSplit: quantile(latenciesAfterSplit, 0.99),
    byBlock: settings.blockMs > 0 ? latenciesByBlock.map((xs) => ({ claims: xs.length, p50: quantile(xs, 0.5), p99: quantile(xs, 0.99) })) : null,
    rate: latencies.length / (settings.durationMs / 1000),
  })}\n`,
);
await client.close();
