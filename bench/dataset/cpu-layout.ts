import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Keeps the processes of a latency bench apart on a 2-core machine, as they
 * would be on separate hosts: Redis alone on one core; the service on the
 * other; the bench's own process (which runs the dashboard's scanner) beside
 * the service under SCHED_IDLE, so it only gets CPU the service leaves idle
 * and never preempts it. Without this, the scanner's client-side work
 * competes for the cores that Redis and the service use, and the service's
 * latency measures that competition as well as the scanner's load on Redis.
 * The issue's own measurements pinned Redis to one core the same way.
 *
 * Needs root (changing another process's affinity), a Redis on this machine,
 * and util-linux's taskset and chrt.
 */
export interface CpuLayout {
  /** Prefix for spawning the service: its core, under the normal policy (a child inherits SCHED_IDLE). */
  serviceCommand: string[];
  describe: string;
  /** Gives Redis its previous affinity back. */
  restore(): void;
}

const REDIS_CPU = 0;
const CLIENT_CPU = 1;

export function pinApart(redisPid: number): CpuLayout {
  const comm = readFileSync(`/proc/${redisPid}/comm`, 'utf8').trim();
  if (!comm.startsWith('redis')) throw new Error(`--pin: process ${redisPid} (INFO server's process_id) is "${comm}", not a Redis on this machine`);
  const before = affinity(redisPid);
  const restore = () => execFileSync('taskset', ['-a', '-p', '-c', before, String(redisPid)], { stdio: 'ignore' });
  execFileSync('taskset', ['-a', '-p', '-c', String(REDIS_CPU), String(redisPid)], { stdio: 'ignore' });
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(CLIENT_CPU), String(process.pid)], { stdio: 'ignore' });
    execFileSync('chrt', ['-a', '-i', '-p', '0', String(process.pid)], { stdio: 'ignore' });
  } catch (error) {
    restore();
    throw error;
  }
  return {
    serviceCommand: ['chrt', '-o', '0', 'taskset', '-c', String(CLIENT_CPU)],
    describe: `Redis (pid ${redisPid}) on CPU ${REDIS_CPU} alone; the service on CPU ${CLIENT_CPU}; this process on CPU ${CLIENT_CPU} under SCHED_IDLE`,
    restore,
  };
}

/** A process's CPU list as taskset prints it ("0,1", "0-3"). */
function affinity(pid: number): string {
  const out = execFileSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' });
  const list = /affinity list:\s*(\S+)/.exec(out)?.[1];
  if (!list) throw new Error(`taskset printed no affinity for ${pid}: ${out}`);
  return list;
}
