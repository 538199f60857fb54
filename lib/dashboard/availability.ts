import type { Freshness } from '../contract/read';
import type { StoreName } from '../records/states';

interface StoreState {
  failingSinceMs: number | null;
  error: string | null;
}

/**
 * Whether each store answered its last call, and since when it has not.
 * Health probes and the overview's reads report here, so every answer can
 * say "stale since T" or "unavailable since T" instead of showing old
 * figures as current. Per process, like the scanner's snapshot.
 */
export class StoreAvailability {
  private readonly states: Record<StoreName, StoreState> = {
    redis: { failingSinceMs: null, error: null },
    postgres: { failingSinceMs: null, error: null },
  };

  answered(store: StoreName): void {
    this.states[store] = { failingSinceMs: null, error: null };
  }

  failed(store: StoreName, atMs: number, error: string): void {
    const state = this.states[store];
    this.states[store] = { failingSinceMs: state.failingSinceMs ?? atMs, error };
  }

  /**
   * The freshness of figures of `store` read at `asOfMs` (null: there are
   * none): live when the read that produced them answered, else stale (or
   * unavailable) since the store's first unanswered call.
   */
  freshness(store: StoreName, asOfMs: number | null, answered: boolean, nowMs: number): Freshness {
    const asOf = asOfMs === null ? null : new Date(asOfMs).toISOString();
    if (answered) return { state: asOf === null ? 'unavailable' : 'live', asOf, unavailableSince: null, error: null };
    const { failingSinceMs, error } = this.states[store];
    return {
      state: asOf === null ? 'unavailable' : 'stale',
      asOf,
      unavailableSince: new Date(failingSinceMs ?? nowMs).toISOString(),
      error,
    };
  }

  isUp(store: StoreName): boolean {
    return this.states[store].failingSinceMs === null;
  }
}
