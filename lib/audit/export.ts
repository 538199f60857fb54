import type { Database } from '../db/prisma';
import { listAudit } from './audit-log';
import type { AuditFilter } from './entry';
import type { AuditEntry } from '../contract/audit';

/** Most entries one export carries; narrow the filters (or page with the API) for more. */
export const EXPORT_MAX = 10_000;
const PAGE = 1000;

/** The filtered log, newest first, read in keyset pages so each query stays small. */
export async function exportAudit(db: Database, filter: AuditFilter, max = EXPORT_MAX): Promise<{ entries: AuditEntry[]; truncated: boolean }> {
  const entries: AuditEntry[] = [];
  let beforeId = filter.beforeId;
  for (;;) {
    const page = await listAudit(db, { ...filter, beforeId }, Math.min(PAGE, max - entries.length));
    entries.push(...page.items);
    if (!page.nextCursor) return { entries, truncated: false };
    if (entries.length >= max) return { entries, truncated: true };
    beforeId = BigInt(page.nextCursor);
  }
}
