import Link from 'next/link';
import { SessionControls } from '@/components/actions';
import { MainNav } from './MainNav';

export function AppHeader() {
  return (
    <header className="app-header">
      <Link href="/" className="brand">
        Idemscope
      </Link>
      <MainNav />
      <SessionControls />
    </header>
  );
}
