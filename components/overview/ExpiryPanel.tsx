'use client';

import { useMemo } from 'react';
import { expirySeries } from '@/lib/charts/expirySeries';
import { formatCount, formatDuration } from '@/lib/charts/format';
import { ExpiryChart } from '@/components/charts/ExpiryChart';
import { EXPIRY_BUCKET_SECONDS, EXPIRY_HORIZON_SECONDS, useExpiry } from '@/components/queries/expiry';
import { Estimate } from '@/components/ui/Estimate';
import { ErrorNotice, Loading } from '@/components/ui/Notice';
import { Panel } from '@/components/ui/Panel';
import { Stat } from './Stat';

export function ExpiryPanel() {
  const redis = useExpiry('redis');
  const postgres = useExpiry('postgres');
  const updatedAt = Math.max(redis.dataUpdatedAt, postgres.dataUpdatedAt);
  const series = useMemo(
    () =>
      redis.data || postgres.data
        ? expirySeries(
            { redis: redis.data ?? null, postgres: postgres.data ?? null },
            { nowMs: updatedAt, bucketSeconds: EXPIRY_BUCKET_SECONDS, horizonSeconds: EXPIRY_HORIZON_SECONDS },
          )
        : null,
    [redis.data, postgres.data, updatedAt],
  );

  return (
    <Panel title="Expiry timeline · next 72 h" id="expiry">
      {redis.isPending && postgres.isPending ? <Loading label="Loading expiry buckets…" /> : null}
      {redis.isError ? <ErrorNotice title="Redis expiry could not be loaded." error={redis.error} /> : null}
      {postgres.isError ? <ErrorNotice title="Postgres expiry could not be loaded." error={postgres.error} /> : null}
      {series ? (
        <>
          <dl className="stats" aria-label="Expiry totals">
            <Stat label="Overdue · Redis" value={formatCount(series.overdue.redis)} hint="past expiry, still stored" testId="overdue-redis" />
            <Stat
              label="Overdue · Postgres"
              value={formatCount(series.overdue.postgres)}
              hint={
                <>
                  past retention, awaiting purge <Estimate show={Boolean(postgres.data?.estimated)} />
                </>
              }
              testId="overdue-postgres"
            />
            <Stat label="Expiring within 72 h" value={formatCount(series.upcoming)} hint={<Estimate show={series.estimated} />} testId="expiring-72h" />
          </dl>
          <ExpiryChart series={series} />
          {series.snapshotAgeSeconds != null ? (
            <p className="muted small chart-legend-note">Redis buckets from a snapshot {formatDuration(series.snapshotAgeSeconds)} old.</p>
          ) : null}
        </>
      ) : null}
    </Panel>
  );
}
