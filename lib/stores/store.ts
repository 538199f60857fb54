import type { PostgresPurgePreview, PostgresPurgeStarted, RedisPurgePreview, RedisPurgeResult, ReleasePreview, Skipped } from '../contract/actions';
import type { StoreName } from '../records/states';
import type { JobHooks } from './postgres/purge-jobs';

/** A target as previewed: its key and the opaque token of what was seen. */
export interface SeenTarget {
  key: string;
  seen: string;
}

/** Named records, or every record stuck for at least that long. */
export type ReleaseScope = { keys: string[] } | { olderThanSeconds: number };

/** Which of a store's sources an action is for: a watched Postgres table (`schema.table`); default the first. Redis has one. */
export interface Source {
  table?: string;
}

export interface ReleaseOutcome {
  released: string[];
  skipped: Skipped[];
}

/** What a purge request carries, whichever store it is for. */
export interface PurgeRequest {
  mode?: 'expire' | 'delete';
  keys?: SeenTarget[];
  reason?: string;
  table?: string;
}

/** An action ready for the audited runner: what to record, and the work itself. */
export interface PlannedAction<R> {
  /** e.g. `purge.redis.expire`; what the audit log and its filter show. */
  action: string;
  parameters: Record<string, unknown>;
  identity?: unknown;
  execute(actionId: string): Promise<{ body: R; targets?: string[]; seen?: unknown[]; result: Record<string, unknown>; outcome?: 'ok' | 'started' }>;
}

export interface PurgeContext {
  actor: string;
  /** The Postgres purge runs on as a job after the request; this hears when it ends. */
  jobHooks: JobHooks;
}

/**
 * A dedup store as the dashboard's actions see it. Each store implements
 * it once, in its own folder, over its own client; the use cases in
 * lib/actions call only this, so they never ask which store they act on.
 */
export interface DedupStore {
  readonly name: StoreName;
  /** A named target as this store holds it; InvalidParameterError naming `field` when it can be none of its records. */
  normaliseTarget(key: string, field: string): string;
  previewRelease(scope: ReleaseScope, source?: Source): Promise<ReleasePreview>;
  /** Releases each target only while it is still exactly as seen. */
  release(targets: SeenTarget[], source?: Source): Promise<ReleaseOutcome>;
  previewPurge(source?: Source): Promise<PostgresPurgePreview | RedisPurgePreview>;
  /** Checks a purge request before anything runs and plans it. */
  planPurge(request: PurgeRequest, context: PurgeContext): PlannedAction<PostgresPurgeStarted | RedisPurgeResult>;
}

export type DedupStores = Record<StoreName, DedupStore>;
