import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AuditLogView } from '@/components/actions';
import { Loading } from '@/components/ui/Notice';

export const metadata: Metadata = { title: 'Audit log' };

export default function AuditPage() {
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Audit log</h1>
        <p className="meta">Every operator action: who, when, what it touched and what it found. Entries are never changed or removed.</p>
      </div>
      {/* The filters live in the URL, which is only known in the browser. */}
      <Suspense fallback={<Loading label="Loading the audit log…" />}>
        <AuditLogView />
      </Suspense>
    </div>
  );
}
