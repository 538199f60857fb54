import type { AuditEntry } from '../contract/audit';

export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'actor',
  'role',
  'action',
  'actionId',
  'store',
  'outcome',
  'reason',
  'targetCount',
  'targets',
  'result',
  'parameters',
  'seen',
  'clientAddress',
] as const;

/**
 * RFC 4180 quoting, and a leading apostrophe on cells a spreadsheet would
 * run as a formula: reasons and keys are free text an operator typed or a
 * producer chose.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function auditCsvHeader(): string {
  return `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
}

export function auditCsvRow(entry: AuditEntry): string {
  return `${AUDIT_CSV_COLUMNS.map((column) => csvCell(entry[column])).join(',')}\r\n`;
}

export function auditToCsv(entries: AuditEntry[]): string {
  return auditCsvHeader() + entries.map(auditCsvRow).join('');
}
