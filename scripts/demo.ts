/**
 * `npm run demo`: one command from a fresh clone to a dashboard full of
 * realistic traffic. It starts the local stores if needed, migrates, builds
 * the app once, runs the traffic simulator in the background, serves the
 * dashboard and prints where to sign in. Ctrl-C stops everything it started.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { generateToken } from '../lib/auth/tokens';
import { env } from '../lib/config/env';
import { setupLibraryTables } from '../lib/db/library-setup';
import { migrate } from '../lib/db/migrate';

const root = process.cwd();
const stateDir = path.join(root, '.idemscope');
const credentialsFile = path.join(stateDir, 'demo-credentials.json');
const rebuild = process.argv.includes('--rebuild');
/** `--cluster`: the local 3-master cluster (scripts/redis-cluster.sh) instead of the single Redis, unless REDIS_CLUSTER_URLS names one. */
const cluster = process.argv.includes('--cluster');
const LOCAL_CLUSTER_URLS = 'redis://127.0.0.1:7000,redis://127.0.0.1:7001,redis://127.0.0.1:7002';
const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');

function run(command: string, args: string[], extraEnv: Record<string, string> = {}): void {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

/** Keeps the same credentials across demo runs so a signed-in browser stays signed in. */
function credentials(): { operator: string; viewer: string; secret: string } {
  if (process.env.IDEMSCOPE_OPERATOR_TOKEN && process.env.IDEMSCOPE_VIEWER_TOKEN) {
    return {
      operator: process.env.IDEMSCOPE_OPERATOR_TOKEN,
      viewer: process.env.IDEMSCOPE_VIEWER_TOKEN,
      secret: process.env.IDEMSCOPE_SESSION_SECRET ?? generateToken(),
    };
  }
  if (existsSync(credentialsFile)) return JSON.parse(readFileSync(credentialsFile, 'utf8'));
  const created = { operator: generateToken(), viewer: generateToken(), secret: generateToken() };
  writeFileSync(credentialsFile, JSON.stringify(created, null, 2), { mode: 0o600 });
  return created;
}

/** Fails early when another program has the port: the health check would otherwise find that one. */
async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () => reject(new Error(`port ${port} is already in use; stop what runs there, or run PORT=${port + 1} npm run demo`)));
    probe.listen(port, () => probe.close(() => resolve()));
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error('the dashboard server exited; see its output above');
    try {
      const response = await fetch(`${url}/api/v1/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the dashboard did not answer at ${url} within 60 s`);
}

async function main(): Promise<void> {
  mkdirSync(stateDir, { recursive: true });
  if (cluster) process.env.REDIS_CLUSTER_URLS ||= LOCAL_CLUSTER_URLS;
  const config = env();
  await assertPortFree(config.PORT);
  run('bash', ['scripts/ensure-services.sh'], { IDEMSCOPE_SKIP_CHROMIUM: '1' });

  const migrated = await migrate(config.DATABASE_URL, { schema: config.IDEMSCOPE_SCHEMA });
  // The simulated services write through the processor library: its table is theirs to set up.
  await setupLibraryTables(config.DATABASE_URL);
  console.log(`database ready (${migrated.applied.length} migrations applied now; the library's tables set up)`);

  if (rebuild || !existsSync(path.join(root, '.next', 'BUILD_ID'))) run('npx', ['next', 'build']);

  const creds = credentials();
  const serverEnv = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    IDEMSCOPE_OPERATOR_TOKEN: creds.operator,
    IDEMSCOPE_VIEWER_TOKEN: creds.viewer,
    IDEMSCOPE_SESSION_SECRET: creds.secret,
  };

  const simulatorLog = path.join(stateDir, 'simulator.log');
  // Node itself runs both, not npx or the tsx CLI: those start a child of their own that a
  // SIGTERM to them would leave running after the demo has stopped.
  const simulator = spawn(process.execPath, ['--import', 'tsx', 'scripts/simulate.ts', '--duration', '0', '--rate', '20', '--demo'], {
    env: serverEnv,
    stdio: ['ignore', openSync(simulatorLog, 'a'), openSync(simulatorLog, 'a')],
  });
  const server = spawn(process.execPath, [nextBin, 'start', '-p', String(config.PORT)], { env: serverEnv, stdio: 'inherit' });

  const simulatorDone = new Promise<void>((resolve) => simulator.once('exit', () => resolve()));
  let stopping = false;
  const stop = () => {
    if (stopping) {
      simulator.kill('SIGKILL');
      return;
    }
    stopping = true;
    console.log('\nStopping. The simulator lets its in-flight messages finish (up to 2 min); Ctrl-C again stops it at once.');
    simulator.kill('SIGTERM');
    server.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => {
    if (!stopping) stop();
    void simulatorDone.then(() => process.exit(code ?? 0));
  });

  const url = `http://localhost:${config.PORT}`;
  await waitForHealth(url, server);
  console.log(`
Idemscope is running: ${url}
  sign in as operator with: ${creds.operator}
  or as viewer with:        ${creds.viewer}
  (kept in ${path.relative(root, credentialsFile)}; scripts send "Authorization: Bearer <token>")
  simulated traffic is writing to ${config.REDIS_CLUSTER_URLS ? `the Redis Cluster at ${config.REDIS_CLUSTER_URLS.map((u) => new URL(u).host).join(', ')}` : new URL(config.REDIS_URL).host} and the ${new URL(config.DATABASE_URL).pathname.slice(1)} database;
  its log: ${path.relative(root, simulatorLog)}
Press Ctrl-C to stop.`);
}

main().catch((error) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
