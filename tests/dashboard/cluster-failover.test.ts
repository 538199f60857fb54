import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyspaceScanner } from '../../lib/scanner/scanner';
import { guardedReader } from '../../lib/stores/redis/access';
import { connectRedisCluster, type RedisClusterClient } from '../../lib/stores/redis/connection';
import { testConfig } from './helpers/dataset';

// A master killed mid-scan, its replica promoted: the pass must end complete (the promoted
// replica's slots scanned again) or labelled partial, and never crash or count a key twice.
// On a cluster of its own (ports 7100-7105), so the kill cannot disturb any other test.
const run = promisify(execFile);
const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/redis-cluster.sh');
const BASE_PORT = 7100;
const DIR = '/tmp/idemscope-failover-cluster';
const clusterEnv = { ...process.env, REDIS_CLUSTER_BASE_PORT: String(BASE_PORT), REDIS_CLUSTER_DIR: DIR };
const KEYS = 12_000;
const prefix = 'failover:';
const config = testConfig(prefix, { scanCount: 40 });

let cluster: RedisClusterClient;

beforeAll(async () => {
  await run('bash', [SCRIPT, 'start'], { env: clusterEnv });
  cluster = connectRedisCluster([`redis://127.0.0.1:${BASE_PORT}`, `redis://127.0.0.1:${BASE_PORT + 1}`], 'failover test cluster', 3000);
  await cluster.connect();
  for (let from = 0; from < KEYS; from += 2000) {
    await Promise.all(Array.from({ length: 2000 }, (_, i) => cluster.set(`${prefix}idempotency:k${from + i}`, 'processing', { EX: 3600 })));
  }
  // A cluster just created has its replicas still connecting: a master killed before its replica
  // synced would hand over an empty keyspace, which no scanner could count. WAIT until each
  // master's replica has acknowledged every write.
  for (const master of cluster.masters) {
    const node = await cluster.nodeClient(master);
    const acked = Number(await node.sendCommand(['WAIT', '1', '20000']));
    if (acked < 1) throw new Error(`the replica of ${master.host}:${master.port} did not sync within 20 s`);
  }
}, 120_000);

afterAll(async () => {
  cluster?.destroy();
  await run('bash', [SCRIPT, 'stop'], { env: clusterEnv });
}, 60_000);

async function clusterNodes(port: number): Promise<string[]> {
  const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'nodes']);
  return stdout.trim().split('\n');
}

describe('a master killed mid-scan', () => {
  it('ends the pass complete or labelled partial, never crashing or counting a key twice', async () => {
    const scanner = new KeyspaceScanner(guardedReader(cluster), {
      patterns: config.keyPatterns,
      statsPrefix: config.statsPrefix,
      scanCount: config.scanCount,
      headBytes: config.headBytes,
      // Slow enough that the kill lands mid-pass on every master.
      stepPauseMs: 4,
      intervalMs: 3_600_000,
      topStuck: 3,
      classify: config,
      takeoverWaitMs: 20_000,
    });
    const pass = scanner.runPass();
    while (scanner.status().passKeysExamined < KEYS / 4) await new Promise((r) => setTimeout(r, 20));

    const victim = (await clusterNodes(BASE_PORT)).map((l) => l.split(' ')).find((f) => f[2]!.includes('master') && !f[1]!.startsWith(`127.0.0.1:${BASE_PORT}@`))!;
    const victimPort = Number(/:(\d+)@/.exec(victim[1]!)![1]);
    const replica = (await clusterNodes(BASE_PORT)).map((l) => l.split(' ')).find((f) => f[3] === victim[0])!;
    const replicaPort = Number(/:(\d+)@/.exec(replica[1]!)![1]);
    const pid = Number(await readFile(path.join(DIR, String(victimPort), 'redis.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    // The replica takes over at once rather than after the node timeout.
    await run('redis-cli', ['-p', String(replicaPort), 'cluster', 'failover', 'takeover']);

    const snapshot = await pass;
    const killed = snapshot.nodes.find((n) => n.node === `127.0.0.1:${victimPort}`)!;
    expect(killed).toBeDefined();
    expect(killed.error).not.toBeNull();
    // Never a double count, whatever happened.
    expect(snapshot.keys).toBeLessThanOrEqual(KEYS);
    expect(Object.values(snapshot.byState).reduce((sum, n) => sum + n, 0)).toBe(snapshot.keys);
    if (snapshot.complete) {
      expect(killed.state).toBe('taken-over');
      expect(killed.takenOverBy).toEqual([`127.0.0.1:${replicaPort}`]);
      expect(snapshot.keys).toBe(KEYS);
    } else {
      expect(snapshot.partialReason).toMatch(/127\.0\.0\.1|slots moved/);
    }
    expect(snapshot.nodes.reduce((sum, n) => sum + n.keys, 0)).toBe(snapshot.keys);

    // And the next pass, on the new topology, is complete and exact.
    const next = await scanner.runPass();
    expect(next).toMatchObject({ complete: true, keys: KEYS });
    expect(next.nodes.map((n) => n.node)).toContain(`127.0.0.1:${replicaPort}`);
  }, 90_000);
});
