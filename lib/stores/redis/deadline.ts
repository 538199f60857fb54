import { STORE_DEADLINES } from '../../config/env';

// Each client's deadline travels with it: the app's come from the environment
// (IDEMSCOPE_REDIS_TIMEOUT_MS), a test's or a script's clients get the default.
const deadlines = new WeakMap<object, number>();

export function setDeadline(client: object, ms: number): void {
  deadlines.set(client, ms);
}

/** No call on this client may take longer; a paused or black-holed server is unavailable, not slow. */
export function deadlineOf(client: object): number {
  return deadlines.get(client) ?? STORE_DEADLINES.redisMs;
}
