import type { Database } from '../db/prisma';
import { findAuditEntries, insertAuditEntry } from '../stores/postgres/audit-entries';
import { type AuditFilter, type AuditInput, MAX_LISTED } from './entry';
import type { AuditEntry, AuditPage } from '../contract/audit';

/** Appends one entry, listing at most MAX_LISTED targets beside their full count. */
export function appendAudit(db: Database, input: AuditInput): Promise<AuditEntry> {
  const targets = input.targets ?? [];
  return insertAuditEntry(db, {
    actor: input.actor,
    role: input.role,
    action: input.action,
    actionId: input.actionId ?? null,
    store: input.store ?? null,
    outcome: input.outcome,
    parameters: input.parameters ?? {},
    targets: targets.slice(0, MAX_LISTED),
    targetCount: targets.length,
    seen: (input.seen ?? []).slice(0, MAX_LISTED),
    reason: input.reason ?? null,
    result: input.result ?? {},
    clientAddress: input.clientAddress ?? null,
  });
}

/** One page, newest first; one row more than the page tells whether another follows. */
export async function listAudit(db: Database, filter: AuditFilter, limit: number): Promise<AuditPage> {
  const rows = await findAuditEntries(db, filter, limit + 1);
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}
