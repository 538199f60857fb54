import type { ReactNode } from 'react';
import { ApiError } from '@/components/queries/api-client';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}

export function EmptyNotice({ children }: { children: ReactNode }) {
  return <p className="notice empty">{children}</p>;
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.status ? `${error.message} (${error.code}, HTTP ${error.status})` : error.message;
  return error instanceof Error ? error.message : 'Something went wrong.';
}

/** A failed request, said plainly, with a retry where one makes sense. */
export function ErrorNotice({ title, error, onRetry }: { title: string; error: unknown; onRetry?: () => void }) {
  return (
    <div className="notice error" role="alert">
      <strong>{title}</strong> <span>{describe(error)}</span>{' '}
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
