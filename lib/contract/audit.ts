/** One audit log entry as GET /api/v1/audit sends it. */
export interface AuditEntry {
  /** Decimal string of a bigint. */
  id: string;
  at: string;
  actor: string;
  role: string;
  action: string;
  actionId: string | null;
  store: string | null;
  outcome: string;
  parameters: Record<string, unknown>;
  targets: string[];
  targetCount: number;
  seen: unknown[];
  reason: string | null;
  result: Record<string, unknown>;
  clientAddress: string | null;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}
