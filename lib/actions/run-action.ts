import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit-log';
import type { AuditInput } from '../audit/entry';
import type { Principal } from '../auth/roles';
import type { Database } from '../db/prisma';
import { AlreadyInProgressError, idempotent, PayloadMismatchError, type PostgresStore, StoreError } from '../idempotency';
import { ActionIdReusedError, ActionInProgressError, describeFailure, IdemscopeError, StoreUnavailableError } from '../errors';
import { actionClaimStore } from '../stores/postgres/action-claims';
import { unreachable } from '../stores/postgres/guard';

/** The consumer name the dashboard's own action ids are claimed under (in its own schema's action_claims). */
export const ACTIONS_CONSUMER = 'idemscope-dashboard';
/** Longer than any action's request; a crashed one can be retried after it. */
const ACTION_LEASE_MS = 10 * 60_000;
/** A double submit or a retried request comes within minutes; a day is plenty. */
const ACTION_RETENTION_SECONDS = 86_400;
const WAIT_FOR_FIRST_MS = 15_000;

export interface Actor {
  principal: Principal;
  clientAddress: string;
}

export interface Executed<R> {
  body: R;
  targets?: string[];
  seen?: unknown[];
  result: Record<string, unknown>;
  outcome?: 'ok' | 'started';
}

export interface ActionRun<R> {
  /** e.g. `keys.release`; what the audit log and its filter show. */
  action: string;
  store?: string;
  actionId?: string;
  /** What the audit log shows of the request: small, no target lists (those go to `targets`). */
  parameters: Record<string, unknown>;
  /**
   * Everything that defines the action, targets included: a reused actionId
   * with anything different is refused. Default: `parameters`.
   */
  identity?: unknown;
  reason?: string;
  /** Targets named by the request, recorded with the intent (capped like every target list). */
  intendedTargets?: string[];
  execute(actionId: string): Promise<Executed<R>>;
}

export interface RunOutcome<R> {
  actionId: string;
  body: R;
  /** True when this request did not run the action but got the first run's result. */
  replayed: boolean;
}

/** What the outcome entry says of a failed run: an outage is named as one, never as the action's result. */
export function failureResult(error: unknown): Record<string, unknown> {
  if (error instanceof StoreUnavailableError) return { error: 'store unavailable', code: error.code, store: error.store, reason: error.message };
  if (error instanceof IdemscopeError) return { error: error.message, code: error.code };
  return { error: describeFailure(error) };
}

/**
 * Runs an action at most once per actionId, with the processor library's own
 * idempotent wrapper and Postgres store (dog food): a double click or a retried
 * request gets the first run's result, and a replay is never audited twice.
 *
 * Two audit entries, linked by action_id: the intent, written before the
 * action touches a store (if it cannot be written, nothing runs), and the
 * outcome after. The log is append-only, so an intent is never completed in
 * place; an intent without an outcome is an action the process did not live
 * to finish. A failed run is audited as an error and released so that a
 * retry may run again.
 */
export async function runAction<R>(db: Database, actor: Actor, run: ActionRun<R>): Promise<RunOutcome<R>> {
  const actionId = run.actionId ?? randomUUID();
  const store = actionClaimStore(db);
  const audit = (entry: Pick<AuditInput, 'outcome'> & Partial<AuditInput>) =>
    appendAudit(db, {
      actor: actor.principal.label,
      role: actor.principal.role,
      action: run.action,
      actionId,
      store: run.store,
      parameters: run.parameters,
      reason: run.reason,
      clientAddress: actor.clientAddress,
      ...entry,
    });
  // The action already ran: a lost outcome entry must not turn its answer into a failure the client would retry.
  const auditOutcome = (entry: Pick<AuditInput, 'outcome'> & Partial<AuditInput>) =>
    audit(entry).catch((failure: unknown) => {
      console.error(`[audit] outcome of ${run.action} ${actionId} not recorded (its intent is): ${describeFailure(failure)}`);
    });

  const handler = idempotent(
    async () => {
      await audit({ outcome: 'intent', targets: run.intendedTargets });
      let executed: Executed<R>;
      try {
        executed = await run.execute(actionId);
      } catch (error) {
        await auditOutcome({ outcome: 'error', result: failureResult(error) });
        throw error;
      }
      await auditOutcome({ outcome: executed.outcome ?? 'ok', targets: executed.targets, seen: executed.seen, result: executed.result });
      return executed.body;
    },
    {
      store,
      consumer: ACTIONS_CONSUMER,
      key: () => actionId,
      fingerprint: () => ({ actor: actor.principal.label, action: run.action, store: run.store, identity: run.identity ?? run.parameters, reason: run.reason }),
      leaseMs: ACTION_LEASE_MS,
      retentionSeconds: ACTION_RETENTION_SECONDS,
    },
  );

  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  for (;;) {
    try {
      const processed = await handler.process(undefined);
      return { actionId, body: processed.result, replayed: processed.outcome === 'duplicate' };
    } catch (error) {
      if (error instanceof PayloadMismatchError) throw new ActionIdReusedError(actionId);
      // The library wraps what its store threw; an unreachable or locked database is a 503, never a 500,
      // and nothing ran.
      if (error instanceof StoreError && error.cause instanceof StoreUnavailableError) throw error.cause;
      if (error instanceof StoreError && unreachable(error.cause ?? error)) throw new StoreUnavailableError('postgres', describeFailure(error.cause ?? error), { cause: error });
      if (!(error instanceof AlreadyInProgressError)) throw error;
      // The first submit is still running: wait for its result rather than fail the second.
      if (!(await completedBefore(store, actionId, deadline))) throw new ActionInProgressError(actionId);
    }
  }
}

async function completedBefore(store: PostgresStore, actionId: string, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const record = await store.get(actionId);
    if (!record || record.status !== 'processing') return true;
  }
  return false;
}
