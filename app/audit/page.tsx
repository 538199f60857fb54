import type { Metadata } from 'next';
import { AuditLogView } from '@/components/actions';

export const metadata: Metadata = { title: 'Audit log' };

export default function AuditPage() {
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Audit log</h1>
        <p className="meta">Every operator action: who, when, what it touched and what it found. Entries are never changed or removed.</p>
      </div>
      <AuditLogView />
    </div>
  );
}
