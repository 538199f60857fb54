/**
 * What the dashboard's background work costs the services beside it.
 * Loads N dedup keys (bench/dataset/redis-keys.ts: plain, idemscope and
 * Powertools records) and as many unrelated keys, for each size N of --keys
 * in a database of its own (REDIS_URL's, then the ones below it), then runs a
 * service at a
 * fixed claim rate in a process of its own (bench/observer-service.ts) in
 * phases of ten minutes by default, in an order that rotates between runs:
 *   - alone: no dashboard;
 *   - one view: the issue's "left alone after one page view": the scanner
 *     starts with one overview request (as the dashboard's does), which buys
 *     a viewer's minute under the viewer budget, then nobody looks again; the
 *     phase's average includes that minute and the budget's repayment after it;
 *   - viewer (opt-in with --phases): someone asks for the overview every 10 s,
 *     so passes run under the viewer budget throughout: the cost of an incident;
 *   - alone again (opt-in): a second alone phase, a control: its ratios to
 *     the first are the noise between two identical phases;
 *   - on/off (opt-in): the scanner under the budget, no viewer, held and let
 *     go in alternate --block seconds (bench/dataset/scanner-gate.ts), its
 *     pass carrying on across them; the service's claims of the blocks with
 *     the scanner running are set against those of the blocks without, in
 *     the same phase, so Redis's own drift over minutes, which makes two
 *     identical phases differ, weighs on both sides alike. With it, the
 *     alone phases split their claims the same way: the split's own noise.
 * Prints the service's claim latency p50/p99 and their ratio to the alone
 * phase of the same run, and Redis's CPU share (INFO cpu across the phase,
 * as a share of one core: the service's, the dashboard's and anyone else's
 * on this Redis), and what the scanner did (passes, the Redis CPU its pacer
 * measured), the CPU of this process, which runs the scanner as the
 * dashboard's process would, on the same machine, and where Redis's CPU went
 * (kernel or user time, and the commands that took most of it). The keys are removed at the end.
 *
 * After loading, nothing runs for --settle seconds: a Redis that has just
 * taken 20M keys spends more CPU for a while than it will later (the first
 * alone phase of the runs before this wait read 11 % against 7 % later),
 * which would flatter every ratio of the first run. Redis's CPU over the wait
 * is printed minute by minute, to show whether it was long enough.
 *
 * With several sizes (--keys 1000000,10000000) one alone phase per run is the
 * baseline of every size's phases: the service writes to the first database
 * whatever the scanner reads, and Redis holds every size's keys throughout.
 * Several --scan-count values (IDEMSCOPE_SCAN_COUNT) make one phase of each
 * kind and size per value. Paced steps size their own COUNT below that
 * ceiling (ScanPacer.scanCount); full speed uses it whole.
 *
 * Then the service runs alone for --lead-in seconds, not counted, so that
 * its own expiring keys are at their steady number when the first phase
 * starts (that did not remove the first phase's excess, which lasts about
 * twenty minutes after loading: see docs/decisions.md). --pin keeps Redis
 * on a core of its own and the scanner from taking
 * CPU the service wants (bench/dataset/cpu-layout.ts): on a 2-core machine
 * that is the nearest to separate hosts, and without it a service's p99
 * also measures the processes' competition for the cores.
 *
 *   npm run bench:observer -- [--keys 1000000[,10000000]] [--duration 600] [--runs 3] [--phases alone,one-view] [--rate 2000] [--budget 2] [--viewer-budget 10] [--warmup 5] [--settle 300] [--lead-in 150] [--block 30] [--pin] [--scan-count 1000[,250]] [--postgres-rows N]
 *
 * With --postgres-rows N (or --runs 0 for that alone) it also reports what one overview refresh
 * asks of a processed_messages table of N rows (bench/observer-postgres.ts).
 *
 * REDIS_URL defaults to database 13 of the local Redis, one of the bench's own.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseEnv } from '../lib/config/env';
import { dashboardConfigFromEnv } from '../lib/dashboard/config';
import { createScanner, VIEWER_WINDOW_MS } from '../lib/dashboard/context';
import type { KeyspaceScanner } from '../lib/scanner/scanner';
import { redisReadStore } from '../lib/stores/redis/read-store';
import { unlinkPrefix } from './dataset/cleanup';
import { pinApart } from './dataset/cpu-layout';
import { gatedReadStore, type ScannerGate } from './dataset/scanner-gate';
import { benchRedis, closeRedis } from './dataset/redis-client';
import { loadRedisDataset } from './dataset/redis-keys';
import { pipeToRedis, resp } from './dataset/resp';
import { overviewReads } from './observer-postgres';

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '1000000' },
    duration: { type: 'string', default: '600' },
    phases: { type: 'string', default: 'alone,one-view' },
    runs: { type: 'string', default: '3' },
    rate: { type: 'string', default: '2000' },
    budget: { type: 'string', default: '2' },
    'viewer-budget': { type: 'string' },
    warmup: { type: 'string', default: '5' },
    settle: { type: 'string', default: '300' },
    'scan-count': { type: 'string', default: '1000' },
    'postgres-rows': { type: 'string', default: '0' },
    block: { type: 'string', default: '30' },
    'lead-in': { type: 'string', default: '150' },
    pin: { type: 'boolean', default: false },
  },
});
const SIZES = args.keys.split(',').map(Number);
if (SIZES.some((n) => !Number.isInteger(n) || n < 1) || new Set(SIZES).size !== SIZES.length) {
  throw new Error(`--keys: expected distinct sizes like 1000000,10000000, got "${args.keys}"`);
}
const SCAN_COUNTS = args['scan-count'].split(',').map(Number);
if (SCAN_COUNTS.some((n) => !Number.isInteger(n) || n < 10 || n > 10_000) || new Set(SCAN_COUNTS).size !== SCAN_COUNTS.length) {
  throw new Error(`--scan-count: expected distinct SCAN COUNT hints between 10 and 10000 like 1000,250, got "${args['scan-count']}"`);
}
const DURATION_MS = Number(args.duration) * 1000;
const LEAD_IN_MS = Number(args['lead-in']) * 1000;
if (!Number.isInteger(LEAD_IN_MS) || LEAD_IN_MS < 0) throw new Error(`--lead-in: expected seconds, 0 or more, got "${args['lead-in']}"`);
const RUNS = Number(args.runs);
const RATE = Number(args.rate);
const WARMUP_MS = Number(args.warmup) * 1000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/13';
const PREFIX = `obsbench:${Math.random().toString(36).slice(2, 8)}:`;
const SERVICE = path.resolve(import.meta.dirname, 'observer-service.ts');

const KINDS = { alone: 'alone', 'alone-again': 'alone again', 'one-view': 'one view', viewer: 'viewer', 'on-off': 'on/off' } as const;
type Kind = (typeof KINDS)[keyof typeof KINDS];
const kinds: Kind[] = args.phases.split(',').map((name) => {
  const kind = KINDS[name.trim() as keyof typeof KINDS];
  if (!kind) throw new Error(`--phases: unknown phase "${name}" (known: ${Object.keys(KINDS).join(', ')})`);
  return kind;
});
if (!kinds.includes('alone')) throw new Error('--phases: the alone phase is the baseline of every ratio and must be listed');
/** With on/off phases every phase's claims are also split by the parity of their block: in the alone phases that split is the control. */
const BLOCK_MS = kinds.includes('on/off') ? Number(args.block) * 1000 : 0;
if (kinds.includes('on/off') && (!Number.isInteger(BLOCK_MS) || BLOCK_MS < 1000 || BLOCK_MS * 2 > DURATION_MS)) {
  throw new Error(`--block: expected whole seconds, at least 1 and at most half of --duration, got "${args.block}"`);
}

/** One alone phase, then each other kind at each size (and each SCAN COUNT, when several are compared). */
interface Phase {
  kind: Kind;
  size: number | null;
  scanCount: number;
  label: string;
}
const short = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
const phases: Phase[] = kinds.flatMap((kind): Phase[] =>
  kind === 'alone' || kind === 'alone again'
    ? [{ kind, size: null, scanCount: SCAN_COUNTS[0]!, label: kind }]
    : SIZES.flatMap((size) =>
        SCAN_COUNTS.map((scanCount) => ({
          kind,
          size,
          scanCount,
          label: `${kind} @${short(size)}${SCAN_COUNTS.length > 1 ? ` COUNT ${scanCount}` : ''}`,
        })),
      ),
);

/** REDIS_URL's database for the first size, the one below for the next, and so on. */
function urlOfSize(index: number): string {
  const url = new URL(REDIS_URL);
  const base = Number(url.pathname.slice(1) || '0');
  if (base - index < 0) throw new Error(`REDIS_URL: database ${base} leaves no room for ${SIZES.length} sizes below it`);
  url.pathname = `/${base - index}`;
  return url.toString();
}

interface Measured {
  phase: Phase;
  p50: number;
  p99: number;
  /** p99 of the claims sent after the viewer's minute; null for phases too short to split. */
  p99AfterViewer: number | null;
  claims: number;
  errors: number;
  redisCpuShare: number;
  /** Redis's CPU share from the end of the viewer's minute on; null for phases too short to split. */
  redisCpuShareAfterViewer: number | null;
  /** CPU of this process (the scanner's, when one runs) across the phase, as a share of one core. */
  benchCpuShare: number;
  /** Where Redis's CPU went across the phase, warm-up included (see whereItWent). */
  redisWhere: string;
  /**
   * The scanner's own share of a Redis core across the phase, bounded from both sides: above by the Redis
   * CPU measured across its steps (which includes the service's work meanwhile), below by the time Redis
   * spent in commands other than the service's SET (INFO commandstats: command execution only, no I/O).
   * Alone, the lower bound is the bench's own few INFO calls: a control.
   */
  scannerShare: { steps: number | null; commands: number; stepsWhileRunning: number | null };
  /** The claims of the even and the odd blocks (on/off phases: scanner held, scanner running); null without --phases on-off. */
  byBlock: BlockLatency[] | null;
  /** Complete passes, the last one's Redis CPU as its pacer measured it, and the pass in progress; null when alone. */
  scanner: { passes: number; lastPassCpuSeconds: number | null; keysInOpenPass: number; lastError: string | null } | null;
}

/** A numeric field of an INFO reply. */
const infoField = (info: string, name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1]);
const admin = await benchRedis(REDIS_URL);
const layout = args.pin && RUNS > 0 ? pinApart(infoField(String(await admin.info('server')), 'process_id')) : null;
if (layout) {
  // Interrupted, the bench would otherwise leave Redis on one core.
  process.once('SIGINT', () => {
    layout.restore();
    process.exit(130);
  });
}
const redisCpu = async () => {
  const info = String(await admin.info('cpu'));
  return infoField(info, 'used_cpu_sys') + infoField(info, 'used_cpu_user');
};

/** Redis's kernel and user CPU and each command's total time (INFO commandstats), to see where a phase's CPU went. */
async function redisWhere(): Promise<{ sys: number; user: number; usecByCommand: Map<string, number>; scanCalls: number }> {
  const info = String(await admin.info('everything'));
  const usecByCommand = new Map([...info.matchAll(/^cmdstat_([^:]+):calls=\d+,usec=(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
  const scanCalls = Number(/^cmdstat_scan:calls=(\d+)/m.exec(info)?.[1] ?? 0);
  return { sys: infoField(info, 'used_cpu_sys'), user: infoField(info, 'used_cpu_user'), usecByCommand, scanCalls };
}

/** Each command's seconds between two readings. */
function commandSeconds(before: Awaited<ReturnType<typeof redisWhere>>, after: Awaited<ReturnType<typeof redisWhere>>): [string, number][] {
  return [...after.usecByCommand].map(([command, usec]) => [command, (usec - (before.usecByCommand.get(command) ?? 0)) / 1e6]);
}

/** Seconds Redis spent in commands other than the service's SET between two readings. */
function notTheService(before: Awaited<ReturnType<typeof redisWhere>>, after: Awaited<ReturnType<typeof redisWhere>>): number {
  return commandSeconds(before, after).reduce((sum, [command, seconds]) => (command === 'set' ? sum : sum + seconds), 0);
}

/** The difference of two readings: kernel and user CPU seconds, and the commands that took most time. */
function whereItWent(before: Awaited<ReturnType<typeof redisWhere>>, after: Awaited<ReturnType<typeof redisWhere>>): string {
  const seconds = commandSeconds(before, after);
  const top = [...seconds].sort((a, b) => b[1] - a[1]).slice(0, 5);
  // One SCAN runs to its end before Redis serves anyone else: its mean time is how long a claim can wait behind a step.
  const scans = after.scanCalls - before.scanCalls;
  const scanSeconds = seconds.find(([command]) => command === 'scan')?.[1] ?? 0;
  return (
    `Redis CPU-s: sys ${fmt(after.sys - before.sys, 1)}, user ${fmt(after.user - before.user, 1)}; in commands: ${top.map(([c, s]) => `${c} ${fmt(s, 2)}`).join(', ')}` +
    (scans > 0 ? `; SCAN: ${scans} calls, ${fmt((scanSeconds * 1000) / scans)} ms each` : '')
  );
}

interface BlockLatency {
  claims: number;
  p50: number;
  p99: number;
}

interface ServiceRun {
  byBlock: BlockLatency[] | null;
  p50: number;
  p99: number;
  p99AfterSplit: number | null;
  claims: number;
  errors: number;
  cpuSeconds: number;
  wallMs: number;
  /** The same from the end of a viewer's window to the end of the phase: the time "left alone". */
  afterViewer: { cpuSeconds: number; wallMs: number } | null;
}

/**
 * The service in its own process for one phase; Redis CPU is read when it
 * starts measuring, when a viewer's window would end, and when it is done.
 */
function runService(durationMs = DURATION_MS, onMeasuring = () => {}): Promise<ServiceRun> {
  const settings = {
    url: REDIS_URL,
    prefix: PREFIX,
    rate: RATE,
    warmupMs: WARMUP_MS,
    durationMs,
    splitAfterMs: durationMs > 2 * VIEWER_WINDOW_MS ? VIEWER_WINDOW_MS : 0,
    blockMs: BLOCK_MS,
  };
  const [command, ...prefix] = [...(layout?.serviceCommand ?? []), process.execPath];
  const child = spawn(command!, [...prefix, '--import', 'tsx', SERVICE, JSON.stringify(settings)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let from: Promise<{ cpu: number; at: number }> | null = null;
    let afterViewer: Promise<{ cpu: number; at: number }> | null = null;
    const reading = () => redisCpu().then((cpu) => ({ cpu, at: performance.now() }));
    let viewerEnds: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!from && out.includes('measuring\n')) {
        from = reading();
        onMeasuring();
        if (durationMs > 2 * VIEWER_WINDOW_MS) viewerEnds = setTimeout(() => (afterViewer = reading()), VIEWER_WINDOW_MS);
      }
    });
    child.on('error', reject);
    child.on('close', async (code) => {
      clearTimeout(viewerEnds);
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !from || !last.startsWith('{')) return reject(new Error(`service exited ${code}: ${out}`));
      const start = await from;
      // The service's last half second is spent waiting for replies, outside its window.
      const [cpu, at] = [await redisCpu(), performance.now() - 500];
      const mid = afterViewer ? await afterViewer : null;
      resolve({
        ...(JSON.parse(last) as Omit<ServiceRun, 'cpuSeconds' | 'wallMs' | 'afterViewer'>),
        cpuSeconds: cpu - start.cpu,
        wallMs: at - start.at,
        afterViewer: mid && { cpuSeconds: cpu - mid.cpu, wallMs: at - mid.at },
      });
    });
  });
}

async function phase(name: Phase, datasets: Map<number, { url: string; patterns: string[]; statsPrefix: string }>): Promise<Measured> {
  let scanner: KeyspaceScanner | null = null;
  let viewer: NodeJS.Timeout | undefined;
  let blocks: NodeJS.Timeout | undefined;
  let gate: ScannerGate | null = null;
  const dataset = name.size === null ? null : datasets.get(name.size)!;
  const scannerRedis = dataset && (await benchRedis(dataset.url));
  if (dataset && scannerRedis) {
    const config = dashboardConfigFromEnv(
      parseEnv({
        IDEMSCOPE_KEY_PATTERNS: dataset.patterns.join(','),
        IDEMSCOPE_STATS_PREFIX: dataset.statsPrefix,
        IDEMSCOPE_REDIS_BUDGET_PERCENT: args.budget,
        IDEMSCOPE_REDIS_VIEWER_BUDGET_PERCENT: args['viewer-budget'],
        IDEMSCOPE_SCAN_COUNT: String(name.scanCount),
      }),
    );
    const store = redisReadStore(scannerRedis);
    if (name.kind === 'on/off') {
      // Under the budget throughout, no viewer's minute: held during the warm-up and every even block.
      gate = gatedReadStore(store);
      gate.close();
    }
    scanner = createScanner(config, gate?.store ?? store, Date.now);
    if (!gate) scanner.noteViewer();
    if (name.kind === 'viewer') viewer = setInterval(() => scanner!.noteViewer(), 10_000);
    scanner.start();
  }
  try {
    const [cpuBefore, started, where] = [process.cpuUsage(), performance.now(), await redisWhere()];
    const stepsBefore = scanner?.status().costSinceStart.cpuSeconds ?? null;
    const service = await runService(DURATION_MS, () => {
      // The service counts blocks from the same moment, give or take the pipe's few milliseconds.
      let block = 0;
      if (gate) blocks = setInterval(() => (++block % 2 ? gate!.open() : gate!.close()), BLOCK_MS);
    });
    const ownCpu = process.cpuUsage(cpuBefore);
    const [whereAfter, stepsAfter] = [await redisWhere(), scanner?.status().costSinceStart.cpuSeconds ?? null];
    const seconds = (performance.now() - started) / 1000;
    return {
      redisWhere: whereItWent(where, whereAfter),
      scannerShare: {
        steps: stepsBefore === null || stepsAfter === null ? null : (stepsAfter - stepsBefore) / seconds,
        commands: notTheService(where, whereAfter) / seconds,
        // An on/off phase's scanner ran about half of it: its share while running is the one to hold against the budget.
        stepsWhileRunning: gate && stepsBefore !== null && stepsAfter !== null ? (stepsAfter - stepsBefore) / gate.openSeconds() : null,
      },
      benchCpuShare: (ownCpu.user + ownCpu.system) / 1000 / (performance.now() - started),
      phase: name,
      p50: service.p50,
      p99: service.p99,
      p99AfterViewer: service.p99AfterSplit,
      claims: service.claims,
      errors: service.errors,
      byBlock: service.byBlock,
      redisCpuShare: service.cpuSeconds / (service.wallMs / 1000),
      redisCpuShareAfterViewer: service.afterViewer && service.afterViewer.cpuSeconds / (service.afterViewer.wallMs / 1000),
      scanner: scanner && scannerWork(scanner),
    };
  } finally {
    clearInterval(viewer);
    clearInterval(blocks);
    // A held scanner could not see that it is asked to stop.
    gate?.open();
    await scanner?.stop().catch(() => undefined);
    await closeRedis(scannerRedis ?? undefined);
  }
}

function scannerWork(scanner: KeyspaceScanner): NonNullable<Measured['scanner']> {
  const status = scanner.status();
  return {
    passes: status.passes,
    lastPassCpuSeconds: status.lastPassCost?.cpuSeconds ?? null,
    keysInOpenPass: status.passInProgress ? status.passKeysExamined : 0,
    lastError: status.lastError,
  };
}

/** The scanner's share of a Redis core between its two bounds (see Measured.scannerShare), as a range over phases. */
function scannerShareLine(ms: Measured[]): string {
  const percents = (xs: number[]) => (xs.length === 1 ? fmt(100 * xs[0]!) : range(xs.map((x) => 100 * x)));
  const steps = ms.map((m) => m.scannerShare.steps);
  const upper = steps.every((x) => x !== null) ? `at most ${percents(steps as number[])} % (Redis CPU across its steps)` : 'no scanner';
  return `scanner's share of Redis: ${upper}; at least ${percents(ms.map((m) => m.scannerShare.commands))} % (its commands' time, I/O excluded)`;
}

/**
 * The odd blocks' claims against the even ones'. In an on/off phase that is
 * the scanner running against the scanner held, in the same minutes of the
 * same phase, so whatever Redis does on its own over minutes weighs on both
 * alike. In the alone phases, with no scanner in either, it is the split's
 * own noise: the control of the on/off ratio.
 */
function blockRatios(m: Measured): { p50: number; p99: number } | null {
  const [even, odd] = m.byBlock ?? [];
  if (!even || !odd || !['on/off', 'alone', 'alone again'].includes(m.phase.kind)) return null;
  return { p50: odd.p50 / even.p50, p99: odd.p99 / even.p99 };
}

function blockLine(m: Measured): string {
  const ratios = blockRatios(m);
  if (!ratios) return '';
  const [even, odd] = m.byBlock!;
  const what = m.phase.kind === 'on/off' ? 'scanner running/held' : 'odd/even blocks, no scanner in either (the control)';
  return (
    `\n            ${what}, ${BLOCK_MS / 1000} s blocks: p50 ${fmt(odd!.p50)}/${fmt(even!.p50)} ms (×${fmt(ratios.p50)}), ` +
    `p99 ${fmt(odd!.p99)}/${fmt(even!.p99)} ms (×${fmt(ratios.p99)}) (${odd!.claims}/${even!.claims} claims)` +
    (m.scannerShare.stepsWhileRunning === null ? '' : `; the scanner's share while running: at most ${fmt(100 * m.scannerShare.stepsWhileRunning)} %`)
  );
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const range = (xs: number[], digits = 2) => `${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)}`;

const datasets = new Map<number, { url: string; patterns: string[]; statsPrefix: string }>();
try {
  if (RUNS === 0) {
    await overviewReads(admin, Number(args['postgres-rows']), console.log);
    process.exit(0);
  }
  console.log(
    `bench:observer: ${SIZES.map((n) => `${n} dedup keys + ${n} unrelated keys on ${urlOfSize(SIZES.indexOf(n))}`).join('; ')}; service at ${RATE} claims/s on ${REDIS_URL}; ` +
      `${RUNS} runs of ${phases.length} phases × ${DURATION_MS / 1000} s (+${WARMUP_MS / 1000} s warm-up); budget ${args.budget} %, ` +
      `viewer budget ${dashboardConfigFromEnv(parseEnv({ IDEMSCOPE_REDIS_BUDGET_PERCENT: args.budget, IDEMSCOPE_REDIS_VIEWER_BUDGET_PERCENT: args['viewer-budget'] })).redisViewerBudgetPercent} %; ` +
      (layout ? layout.describe : 'processes not pinned (--pin keeps Redis, the service and the scanner apart)'),
  );
  for (const [index, size] of SIZES.entries()) {
    const loadStarted = performance.now();
    const url = urlOfSize(index);
    const dataset = await loadRedisDataset({ url, prefix: PREFIX, keys: size, nowMs: Date.now() });
    await pipeToRedis(
      url,
      (function* () {
        for (let i = 0; i < size; i++) yield resp(['SET', `${PREFIX}cache:user:${i}`, `{"id":${i},"name":"user ${i}"}`, 'EX', '86400']);
      })(),
    );
    datasets.set(size, { url, ...dataset });
    const client = await benchRedis(url);
    console.log(`${url}: loaded in ${fmt((performance.now() - loadStarted) / 1000, 1)} s; DBSIZE ${await client.dbSize()}`);
    await closeRedis(client);
  }

  // Minute by minute, so that whoever reads the output sees whether Redis had calmed down by the end.
  const shares: string[] = [];
  for (let left = Number(args.settle) * 1000; left > 0; left -= 60_000) {
    const [cpuBefore, from] = [await redisCpu(), performance.now()];
    await new Promise((resolve) => setTimeout(resolve, Math.min(60_000, left)));
    shares.push(fmt((100 * ((await redisCpu()) - cpuBefore)) / ((performance.now() - from) / 1000), 1));
  }
  if (shares.length) console.log(`settled ${args.settle} s with nothing running; Redis CPU per minute: ${shares.join(', ')} % of a core`);
  if (LEAD_IN_MS > 0) {
    // The service's own keys live 2 minutes: until they do, the first phase writes into a growing keyspace that no later phase sees.
    const lead = await runService(LEAD_IN_MS);
    console.log(`lead-in: the service alone for ${args['lead-in']} s, not counted: p99 ${fmt(lead.p99)} ms, Redis CPU ${fmt((100 * lead.cpuSeconds) / (lead.wallMs / 1000), 1)} % of a core`);
  }

  const results: Measured[][] = [];
  for (let run = 0; run < RUNS; run++) {
    const order = phases.map((_, i) => phases[(i + run) % phases.length]!);
    const measured: Measured[] = [];
    for (const name of order) measured.push(await phase(name, datasets));
    results.push(measured);
    const alone = measured.find((m) => m.phase.kind === 'alone')!;
    console.log(`run ${run + 1} (order: ${order.map((p) => p.label).join(', ')})`);
    for (const m of phases.map((p) => measured.find((x) => x.phase === p)!)) {
      console.log(
        `  ${m.phase.label.padEnd(24)} p50 ${fmt(m.p50)} ms (×${fmt(m.p50 / alone.p50)})  p99 ${fmt(m.p99)} ms (×${fmt(m.p99 / alone.p99)})  Redis CPU ${fmt(100 * m.redisCpuShare, 1)} % of a core` +
          (m.redisCpuShareAfterViewer === null ? '' : ` (${fmt(100 * m.redisCpuShareAfterViewer, 1)} % after the first minute)`) +
          (m.p99AfterViewer === null || alone.p99AfterViewer === null
            ? ''
            : `  p99 after the first minute ${fmt(m.p99AfterViewer)} ms (×${fmt(m.p99AfterViewer / alone.p99AfterViewer)})`) +
          `  (${m.claims} claims, ${m.errors} errors)  this process ${fmt(100 * m.benchCpuShare, 1)} % of a core` +
          blockLine(m) +
          `\n            ${m.redisWhere}` +
          `\n            ${scannerShareLine([m])}` +
          (m.scanner
            ? `\n            scanner: ${m.scanner.passes} complete passes (the last measured ${m.scanner.lastPassCpuSeconds === null ? '–' : fmt(m.scanner.lastPassCpuSeconds, 1)} Redis CPU-s), ${m.scanner.keysInOpenPass} keys into an open pass` +
              (m.scanner.lastError ? `; a pass failed: ${m.scanner.lastError}` : '')
            : ''),
      );
    }
  }

  console.log(`\nSummary over ${RUNS} runs (ranges; ratios to the alone phase of the same run)`);
  for (const name of phases) {
    const own = results.map((r) => r.find((m) => m.phase === name)!);
    const alone = results.map((r) => r.find((m) => m.phase.kind === 'alone')!);
    const extra = own.map((m, i) => 100 * (m.redisCpuShare - alone[i]!.redisCpuShare));
    const split = own.every((m, i) => m.redisCpuShareAfterViewer !== null && alone[i]!.redisCpuShareAfterViewer !== null);
    const extraAfter = split ? own.map((m, i) => 100 * (m.redisCpuShareAfterViewer! - alone[i]!.redisCpuShareAfterViewer!)) : [];
    console.log(
      `  ${name.label.padEnd(24)} p50 ×${range(own.map((m, i) => m.p50 / alone[i]!.p50))}  p99 ×${range(own.map((m, i) => m.p99 / alone[i]!.p99))}  Redis CPU ${range(own.map((m) => 100 * m.redisCpuShare), 1)} %` +
        (name.kind === 'alone' ? '' : `  (over alone: ${range(extra, 1)} points` + (split ? `; after the first minute ${range(extraAfter, 1)} points)` : ')')) +
        (name.kind !== 'alone' && own.every((m, i) => m.p99AfterViewer !== null && alone[i]!.p99AfterViewer !== null)
          ? `  p99 after the first minute ×${range(own.map((m, i) => m.p99AfterViewer! / alone[i]!.p99AfterViewer!))}`
          : '') +
        (own.every((m) => blockRatios(m) !== null)
          ? `\n${' '.repeat(20)}${name.kind === 'on/off' ? 'scanner running/held' : 'odd/even blocks (control)'}: p50 ×${range(own.map((m) => blockRatios(m)!.p50))}  p99 ×${range(own.map((m) => blockRatios(m)!.p99))}`
          : '') +
        `\n${' '.repeat(20)}${scannerShareLine(own)}`,
    );
  }
  if (Number(args['postgres-rows']) > 0) await overviewReads(admin, Number(args['postgres-rows']), console.log);
} finally {
  for (const { url } of datasets.values()) {
    const client = await benchRedis(url);
    await unlinkPrefix(client, PREFIX);
    await closeRedis(client);
  }
  layout?.restore();
  await closeRedis(admin);
}
