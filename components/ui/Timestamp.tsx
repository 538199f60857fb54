'use client';

import { formatDateTime } from '@/lib/charts/format';
import { usePreference } from './preferences';

/** An absolute time in the one dashboard format, zone named, with the exact ISO instant on hover for incident notes. */
export function Timestamp({ iso }: { iso: string | number | null | undefined }) {
  const [zone] = usePreference('timeZone');
  if (iso == null || iso === '') return <>—</>;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return <>{String(iso)}</>;
  const exact = date.toISOString();
  return (
    <time dateTime={exact} title={exact}>
      {formatDateTime(date.getTime(), zone)}
    </time>
  );
}
