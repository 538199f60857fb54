import { spawn } from 'node:child_process';
import path from 'node:path';
import type { IdempotencyStore } from '../../lib/idempotency/index';
import type { Counter } from '../../lib/idempotency/stats-keys';

export type Counters = Record<Counter, number>;

/** What the shared contract needs from one store's test file. */
export interface StoreHarness {
  /** A store on a connection of its own, as a separate consumer would have. */
  connect(): Promise<{ store: IdempotencyStore; close(): Promise<void> }>;
  /** A store whose server cannot be reached. */
  connectBroken(): Promise<{ store: IdempotencyStore; close(): Promise<void> }>;
  /** A key never used before, in the form the store accepts. */
  newKey(): string;
  /** The consumer's counters summed over every bucket. */
  counters(consumer: string): Promise<Counters>;
  /** Writes a completed entry the way the plain recipe does; returns the result the library should replay. */
  writePlainCompleted(key: string): Promise<unknown>;
  /** Writes the plain recipe's in-flight marker, where the recipe has one. */
  writePlainInFlight?(key: string): Promise<void>;
  /** Settings the crash fixture needs to build the same store in another process. */
  fixtureStore: Record<string, string>;
  teardown(): Promise<void>;
}

const FIXTURE = path.resolve(import.meta.dirname, 'fixtures/crash-consumer.ts');

/**
 * Starts a consumer process that claims `key` and then hangs in its handler,
 * and SIGKILLs it once it reports the claim: a consumer dying mid-handler.
 */
export async function crashConsumerMidHandler(settings: Record<string, string>): Promise<void> {
  // Node itself with tsx's loader, not the tsx CLI: that one runs the script in a child of its own,
  // which a SIGKILL of the CLI leaves running with its connections open.
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, JSON.stringify(settings)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('in-handler')) resolve();
    });
    void exited.then((how) => reject(new Error(`crash fixture exited (${how}) before its handler ran: ${stderr}`)));
  });
  child.kill('SIGKILL');
  const how = await exited;
  if (how !== 'SIGKILL') throw new Error(`crash fixture ended by ${how}, not SIGKILL`);
  if (isAlive(child.pid!)) throw new Error(`crash fixture ${child.pid} is still running after SIGKILL`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
