/**
 * The one expiry rule of the library's table, as SQL on the database's clock:
 * a row that is not in flight may be deleted once its own expires_at has
 * passed or, without one (a failed or released claim), once processed_at is
 * `retentionHours` old. The library's purgeExpired() and the dashboard's
 * purge (lib/stores/postgres/rules.ts) both delete by this text, and the
 * dashboard's counts and classifier state it again on the app's clock; the
 * parity test (tests/stores/row-rules-parity.test.ts) holds them together.
 *
 * Written as two ranges, of the expires_at and the processed_at index, so
 * that a batch finds its rows without reading the table.
 */
export function purgeableCondition(retentionHours: number): string {
  wholeHours(retentionHours);
  return `status <> 'processing' AND (expires_at <= now() OR (expires_at IS NULL AND processed_at <= now() - make_interval(hours => ${retentionHours})))`;
}

/**
 * The same rule for a table range-partitioned by a message time
 * (`timeColumn`, a quoted identifier): a row goes with its partition's time,
 * and never before its own expires_at. The dashboard's partitioned profile
 * (partitionedRules in lib/stores/postgres/rules.ts) deletes by this text too.
 */
export function partitionedPurgeableCondition(timeColumn: string, retentionHours: number): string {
  wholeHours(retentionHours);
  return `status <> 'processing' AND ${timeColumn} <= now() - make_interval(hours => ${retentionHours}) AND (expires_at IS NULL OR expires_at <= now())`;
}

function wholeHours(retentionHours: number): void {
  if (!Number.isInteger(retentionHours) || retentionHours < 0) throw new RangeError(`retention hours must be a whole number, got ${retentionHours}`);
}
