import Link from 'next/link';
import { MainNav } from './MainNav';

export function AppHeader() {
  return (
    <header className="app-header">
      <Link href="/" className="brand">
        Idemscope
      </Link>
      <MainNav />
    </header>
  );
}
