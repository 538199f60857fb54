import { Redis } from 'ioredis';
import pg from 'pg';
import { env } from '../lib/config/env';
import { formatSummary } from '../lib/simulator/format';
import { parseSimulationArgs } from '../lib/simulator/options';
import { runSimulation } from '../lib/simulator/run';

let options;
try {
  options = parseSimulationArgs(process.argv.slice(2));
} catch (error) {
  console.error(`simulate: ${(error as Error).message}`);
  process.exit(2);
}
const config = env();
const stop = new AbortController();
process.on('SIGINT', () => stop.abort());
process.on('SIGTERM', () => stop.abort());

const summary = await runSimulation(
  { ...options, statsPrefix: options.statsPrefix ?? config.IDEMSCOPE_STATS_PREFIX },
  {
    redis: () => new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 }),
    postgres: () => new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 }),
  },
  { signal: stop.signal, log: (line) => console.log(line) },
);
console.log(formatSummary(summary));
process.exit(summary.exactlyOnce ? 0 : 1);
