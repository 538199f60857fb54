import type { Metadata } from 'next';
import { connection } from 'next/server';
import { ExplorerView } from '@/components/explorer/ExplorerView';

export const metadata: Metadata = { title: 'Explorer' };

export default async function ExplorerPage() {
  await connection();
  return <ExplorerView />;
}
