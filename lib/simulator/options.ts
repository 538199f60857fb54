import { z } from 'zod';

const probability = z.coerce.number().min(0).max(1);

/** Every knob of a simulation run, with the defaults `npm run simulate` uses. */
export const simulationOptionsSchema = z.object({
  /** Unique messages produced per second. Default 50. */
  rate: z.coerce.number().positive().max(10_000).default(50),
  /** Seconds of production; 0 runs until SIGINT/SIGTERM. Default 10. */
  duration: z.coerce.number().min(0).default(10),
  /** Which stores to drive. Default both. */
  stores: z.enum(['both', 'redis', 'postgres']).default('both'),
  /** Consumers per store, each on its own connection. Default 4. */
  consumers: z.coerce.number().int().min(1).max(64).default(4),
  /** Chance that a producer retries a publish whose ack it lost. Default 0.1. */
  producerRetry: probability.default(0.1),
  /** Chance that a handler throws, so the broker redelivers. Default 0.05. */
  failure: probability.default(0.05),
  /** Chance that a consumer crashes mid-handler, leaving its claim in flight. Default 0.02. */
  crash: probability.default(0.02),
  /** Share of crashed messages the broker never redelivers (dead-lettered), so they stay stuck. Default 0. */
  abandon: probability.default(0),
  /** Seconds between consumer-group rebalances, each replaying recent messages; 0 for none. Default 3. */
  rebalanceEvery: z.coerce.number().min(0).default(3),
  /** Messages a rebalance replays. Default 25. */
  replay: z.coerce.number().int().min(0).default(25),
  /** Lease of each claim in ms; crashed messages are redelivered just after it. Default 1500. */
  leaseMs: z.coerce.number().int().positive().default(1500),
  /** Keys written by a service following the plain Redis recipe, per second. Default 2. */
  plainRate: z.coerce.number().min(0).default(2),
  /** Prefix of every Redis dedup key the simulator writes. Default `idempotency:`. */
  keyPrefix: z.string().min(1).default('idempotency:'),
  /** Prefix of the library's Redis delivery counters. Default from IDEMSCOPE_STATS_PREFIX. */
  statsPrefix: z.string().min(1).optional(),
  /** Seconds between progress lines while running. Default 5. */
  reportEvery: z.coerce.number().positive().default(5),
});

export type SimulationOptions = z.infer<typeof simulationOptionsSchema>;

/** Settings for `npm run demo`: endless, gentle, and leaving a few stuck records to look at. */
export const DEMO_OVERRIDES: Partial<SimulationOptions> = {
  duration: 0,
  rate: 20,
  abandon: 0.1,
  leaseMs: 30_000,
  rebalanceEvery: 30,
  reportEvery: 30,
};

/** Parses `--name value` / `--name=value` flags; unknown flags are an error that names them. */
export function parseSimulationArgs(argv: string[]): SimulationOptions {
  const raw: Record<string, string> = {};
  let demo = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--demo') {
      demo = true;
      continue;
    }
    const match = /^--([a-z][a-zA-Z-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unexpected argument ${JSON.stringify(arg)}; flags look like --rate 50`);
    const name = match[1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${match[1]} needs a value`);
    raw[name] = value;
  }
  const known = new Set(Object.keys(simulationOptionsSchema.shape));
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length) throw new Error(`unknown option(s): ${unknown.map((k) => `--${k}`).join(', ')}`);
  const parsed = simulationOptionsSchema.safeParse({ ...(demo ? DEMO_OVERRIDES : {}), ...raw });
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  return parsed.data;
}
