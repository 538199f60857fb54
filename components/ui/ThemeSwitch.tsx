'use client';

import { useEffect, useId } from 'react';
import { usePreference } from './preferences';

/** System, light or dark; "system" follows prefers-color-scheme. The choice is kept in localStorage. */
export function ThemeSwitch() {
  const [theme, setTheme] = usePreference('theme');
  const id = useId();
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') root.removeAttribute('data-theme');
    else root.setAttribute('data-theme', theme);
  }, [theme]);
  return (
    <div className="header-setting">
      <label htmlFor={id}>Theme</label>
      <select id={id} value={theme} onChange={(e) => setTheme(e.target.value as typeof theme)}>
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </div>
  );
}
