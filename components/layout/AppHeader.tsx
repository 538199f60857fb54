import Link from 'next/link';
import { SessionControls } from '@/components/actions';
import { ThemeSwitch } from '@/components/ui/ThemeSwitch';
import { TimeZoneSwitch } from '@/components/ui/TimeZoneSwitch';
import { MainNav } from './MainNav';

/** Wraps onto more lines on a narrow screen instead of pushing the session controls off it. */
export function AppHeader() {
  return (
    <header className="app-header">
      <Link href="/" className="brand">
        Idemscope
      </Link>
      <MainNav />
      <div className="header-end">
        <div className="header-settings">
          <ThemeSwitch />
          <TimeZoneSwitch />
        </div>
        <SessionControls />
      </div>
    </header>
  );
}
