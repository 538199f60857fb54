import type { Metadata } from 'next';
import { connection } from 'next/server';
import { OverviewView } from '@/components/overview/OverviewView';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  // Rendered per request: nothing about the stores may be frozen at build time.
  await connection();
  return <OverviewView />;
}
