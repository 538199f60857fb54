export const AUDIT_OUTCOMES = ['intent', 'ok', 'error', 'started', 'refused'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One operator action as the audit log records it. */
export interface AuditInput {
  actor: string;
  role: string;
  action: string;
  actionId?: string;
  store?: string;
  /**
   * `intent`: written before an action touches a store; its outcome (`ok`,
   * `error`, `started`) follows as a second entry with the same actionId.
   * `refused`: a signed-in user's request the access checks turned down (see lib/auth/refusals.ts).
   */
  outcome: AuditOutcome;
  parameters?: Record<string, unknown>;
  /** Every target; only the first MAX_LISTED are stored, with the full count. */
  targets?: string[];
  /** State each target was seen in before the action, in target order; capped like targets. */
  seen?: unknown[];
  reason?: string;
  /** Counts (released, skipped, purged…) and, on error, the message. */
  result?: Record<string, unknown>;
  clientAddress?: string;
}

export type { AuditQuery as AuditFilter } from '../stores/postgres/audit-entries';

export const MAX_LISTED = 100;
