/**
 * What one overview refresh asks of Postgres (`npm run bench:observer --
 * --postgres-rows N`): loads N processed_messages rows into a database of
 * the run's own, runs getOverview once with every statement it sends
 * recorded, then runs each again under EXPLAIN (ANALYZE, BUFFERS) and prints
 * its time, the buffers it read and whether its plan holds a sequential scan.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDashboard } from '../lib/dashboard/context';
import { dashboardConfigFromEnv } from '../lib/dashboard/config';
import { getOverview } from '../lib/dashboard/overview';
import { parseEnv } from '../lib/config/env';
import { createPrismaClient } from '../lib/db/prisma';
import type { Db } from '../lib/stores/postgres/db';
import type { RedisClient } from '../lib/stores/redis/connection';
import { dropDatabase, loadPostgresDataset } from './dataset/postgres-rows';

interface Recorded {
  text: string;
  values: unknown[];
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

export async function overviewReads(redis: RedisClient, rows: number, log: (line: string) => void): Promise<void> {
  const url = Object.assign(new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/idemscope'), {
    pathname: `/idemscope_bench_observer_${randomBytes(3).toString('hex')}`,
  }).toString();
  const started = performance.now();
  try {
    await loadPostgresDataset({ url, rows, days: 7, nowMs: Date.now(), log: () => undefined });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('ANALYZE');
    log(`\nPostgres: ${rows.toLocaleString('en')} processed_messages rows loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const prisma = createPrismaClient(url, 4);
    const recorded: Recorded[] = [];
    const db: Db = {
      $queryRawUnsafe: ((text: string, ...values: unknown[]) => {
        recorded.push({ text, values });
        return prisma.$queryRawUnsafe(text, ...values);
      }) as Db['$queryRawUnsafe'],
    };
    const config = dashboardConfigFromEnv(parseEnv({ DATABASE_URL: url, IDEMSCOPE_AGGREGATE_CACHE_SECONDS: '0' }));
    const deps = createDashboard({ config, redis, db });
    try {
      await getOverview(deps, { fresh: false });
    } finally {
      await deps.scanner.stop();
      await prisma.$disconnect();
    }

    let seqScans = 0;
    let boundedSeqScans = 0;
    let hit = 0;
    let read = 0;
    log(`One overview refresh sent ${recorded.length} statements; each again under EXPLAIN (ANALYZE, BUFFERS):`);
    for (const { text, values } of recorded) {
      const oneLine = text.replace(/\s+/g, ' ').trim();
      if (/^EXPLAIN/i.test(oneLine)) {
        log(`  (planner estimate, not executed) ${oneLine.slice(0, 110)}`);
        continue;
      }
      const { rows: result } = await admin.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`,
        values as unknown[],
      );
      const [{ Plan: plan, 'Execution Time': ms }] = result[0]!['QUERY PLAN'];
      const all = nodes(plan);
      const seq = all.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name'] ?? '?');
      // A bounded count (SELECT 1 … LIMIT cap + 1) may scan from the start and stop at the cap: say so.
      const limited = all.some((n) => n['Node Type'] === 'Limit');
      const blocks = { hit: plan['Shared Hit Blocks'] ?? 0, read: plan['Shared Read Blocks'] ?? 0 };
      hit += blocks.hit;
      read += blocks.read;
      if (seq.includes('processed_messages')) {
        if (limited) boundedSeqScans++;
        else seqScans++;
      }
      log(
        `  ${ms.toFixed(2).padStart(8)} ms  ${String(blocks.hit).padStart(6)} hit ${String(blocks.read).padStart(5)} read  ${seq.length ? `SEQ SCAN ${seq.join(',')}${limited ? ' (under LIMIT)' : ''}` : 'no seq scan'}  ${oneLine.slice(0, 90)}`,
      );
    }
    log(
      `Total: ${hit} buffers hit, ${read} read (8 KiB each); sequential scans of processed_messages: ${seqScans} unbounded, ${boundedSeqScans} stopped by a LIMIT`,
    );
    await admin.end();
  } finally {
    await dropDatabase(url);
  }
}
