import { z } from 'zod';
import { appActionDeps } from '@/lib/actions/app';
import { listAudit } from '@/lib/audit/audit-log';
import { auditToCsv } from '@/lib/audit/csv';
import { AUDIT_OUTCOMES } from '@/lib/audit/entry';
import { exportAudit } from '@/lib/audit/export';
import { requireRole } from '@/lib/auth/guard';
import { handle, ok } from '@/lib/http/handle';
import { bigintIdParam, limitParam, MAX_DURATION_SECONDS, parseQuery, parseRange } from '@/lib/http/query';
import { storableText } from '@/lib/http/text';

const query = {
  cursor: bigintIdParam('must be the nextCursor of a previous page').optional(),
  limit: limitParam(50, 500),
  action: storableText(100).optional(),
  actor: storableText(100).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  format: z.enum(['csv', 'json']).optional(),
};

export const GET = handle(
  async ({ url }) => {
    const { cursor, limit, format, ...filters } = parseQuery(url, query);
    const { fromMs, toMs } = parseRange(url, MAX_DURATION_SECONDS);
    const filter = {
      ...filters,
      ...(cursor ? { beforeId: BigInt(cursor) } : {}),
      ...(fromMs !== undefined ? { from: new Date(fromMs) } : {}),
      ...(toMs !== undefined ? { to: new Date(toMs) } : {}),
    };
    const { db } = appActionDeps();
    if (!format) return ok(await listAudit(db, filter, limit));

    const { entries, truncated } = await exportAudit(db, filter);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const headers = {
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="idemscope-audit-${stamp}.${format}"`,
      'X-Export-Truncated': String(truncated),
    };
    return { status: 200, body: format === 'csv' ? auditToCsv(entries) : JSON.stringify(entries, null, 2), headers };
  },
  { guard: requireRole('viewer') },
);
