import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { STORES, type StoreName } from '@/lib/contract/vocabulary';
import { RecordDetailView } from '@/components/explorer/RecordDetailView';

export const metadata: Metadata = { title: 'Record' };

interface RecordPageProps {
  params: Promise<{ store: string; id: string }>;
}

/** Ids arrive still percent-encoded; a malformed escape is shown as typed rather than failing the page. */
function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export default async function RecordPage({ params }: RecordPageProps) {
  const { store, id } = await params;
  if (!STORES.includes(store as StoreName)) notFound();
  return <RecordDetailView store={store as StoreName} id={decodeId(id)} />;
}
