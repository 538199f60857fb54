import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { createClient, type RedisClientType } from 'redis';

/**
 * A redis-server of the fault suite's own: pausing, sleeping or filling the
 * shared Redis would stall every other test and helper on this machine.
 */
export interface OwnRedis {
  port: number;
  /** A control connection straight to the server (not through the proxy). */
  control: RedisClientType;
  stop(): Promise<void>;
}

/** Whether a redis-server binary is on the PATH to start one of our own. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A port nobody listens on now: `preferred` (6390) when it is free, else one the system picks. */
export async function sparePort(preferred: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(null));
      probe.listen(port, '127.0.0.1', () => {
        const taken = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(taken));
      });
    });
  return (await tryListen(preferred)) ?? (await tryListen(0))!;
}

export async function startOwnRedis(port: number): Promise<OwnRedis> {
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--enable-debug-command', 'local'],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 5000;
  let control: RedisClientType | null = null;
  while (!control) {
    const client: RedisClientType = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false } });
    client.on('error', () => undefined);
    try {
      await client.connect();
      control = client;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    port,
    control,
    async stop() {
      control.destroy();
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/**
 * A TCP proxy in front of the test's Redis. Forwarding, it is transparent;
 * black-holed, it keeps every connection open and accepts every byte but
 * answers nothing, like a host that vanished behind a firewall. Healing
 * resets the held connections, as such a path eventually does.
 */
export interface Proxy {
  port: number;
  blackHole(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<Proxy> {
  let holed = false;
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    client.on('data', (data) => {
      if (!holed) upstream.write(data);
    });
    upstream.on('data', (data) => {
      if (!holed) client.write(data);
    });
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const heal = (): void => {
    holed = false;
    for (const { client, upstream } of pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    port: (server.address() as net.AddressInfo).port,
    blackHole() {
      holed = true;
    },
    heal,
    async close() {
      heal();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
