import type { PreviewItem, ReleasePreview, Skipped } from '../../contract/actions';

/**
 * The preview of rows an operator named, in the order named: each one
 * missing, not releasable (not in flight), or as it would be released.
 */
export function namedPreview<R extends { id: string }>(keys: string[], rows: R[], releasable: (row: R) => boolean, toItem: (row: R) => PreviewItem): ReleasePreview {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const wouldRelease: PreviewItem[] = [];
  const skipped: Skipped[] = [];
  for (const key of keys) {
    const row = byId.get(key);
    if (!row) skipped.push({ key, reason: 'missing' });
    else if (!releasable(row)) skipped.push({ key, reason: 'not-in-flight' });
    else wouldRelease.push(toItem(row));
  }
  return { dryRun: true, store: 'postgres', count: wouldRelease.length, wouldRelease, skipped, more: false, examined: rows.length, complete: true };
}
