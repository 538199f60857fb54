'use client';

import type { PostgresHealth, RedisHealth } from '@/lib/contract/read';
import { formatBytes, formatCount } from '@/lib/charts/format';
import { useHealth } from '@/components/queries/health';
import { ErrorNotice, Loading } from '@/components/ui/Notice';
import { Panel } from '@/components/ui/Panel';

function Reachability({ reachable, unknown }: { reachable: boolean; unknown: boolean }) {
  // A health answer that could not be refreshed says nothing about now: no green badge stays up.
  if (unknown) return <span className="badge neutral">Unknown</span>;
  return <span className={`badge ${reachable ? 'ok' : 'down'}`}>{reachable ? 'Reachable' : 'Unreachable'}</span>;
}

function StoreCard({
  name,
  health,
  unknown,
  warning,
  children,
}: {
  name: string;
  health: RedisHealth | PostgresHealth;
  unknown: boolean;
  warning?: string | null;
  children: React.ReactNode;
}) {
  const id = `store-${name.toLowerCase()}`;
  return (
    <article className={`store${health.reachable && !unknown ? '' : ' down'}`} aria-labelledby={`${id}-name`} data-testid={id}>
      <div className="panel-head">
        <h3 id={`${id}-name`}>{name}</h3>
        <Reachability reachable={health.reachable} unknown={unknown} />
      </div>
      {warning ? (
        <p role="alert" data-testid={`${id}-warning`}>
          <strong>{warning}.</strong>
        </p>
      ) : null}
      {health.reachable ? null : (
        <p role="alert">
          <strong>{name} cannot be reached.</strong> {health.error ?? 'No answer.'} Numbers from {name} are missing
          below; the rest of the page still works.
        </p>
      )}
      <dl>
        <dt>Latency</dt>
        <dd>{health.latencyMs == null ? '—' : `${health.latencyMs.toFixed(1)} ms`}</dd>
        {children}
      </dl>
    </article>
  );
}

/** Polls the health endpoint on its own so that it still reports when the overview itself fails. */
export function StoreHealthPanel() {
  const health = useHealth();
  return (
    <Panel title="Stores" id="stores">
      {health.isPending ? <Loading label="Checking stores…" /> : null}
      {health.isError ? (
        <ErrorNotice title="Store health could not be fetched." error={health.error} onRetry={() => void health.refetch()} />
      ) : null}
      {health.data ? (
        <div className="stores">
          <StoreCard name="Redis" health={health.data.redis} unknown={health.isError} warning={health.data.redis.memoryWarning}>
            <dt>Keyspace size</dt>
            <dd>{health.data.redis.keyspaceSize == null ? '—' : `${formatCount(health.data.redis.keyspaceSize)} keys`}</dd>
            <dt>Memory used</dt>
            <dd>
              {formatBytes(health.data.redis.usedMemoryBytes)}
              {health.data.redis.maxMemoryBytes ? ` of ${formatBytes(health.data.redis.maxMemoryBytes)} (${health.data.redis.maxMemoryPolicy})` : ''}
            </dd>
          </StoreCard>
          <StoreCard name="Postgres" health={health.data.postgres} unknown={health.isError}>
            <dt>processed_messages</dt>
            <dd>{formatBytes(health.data.postgres.tableBytes)}</dd>
            <dt>delivery_stats</dt>
            <dd>{formatBytes(health.data.postgres.statsTableBytes)}</dd>
          </StoreCard>
        </div>
      ) : null}
    </Panel>
  );
}
