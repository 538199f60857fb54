'use client';

import { useCallback, useSyncExternalStore } from 'react';

/**
 * Display preferences kept in this browser only (localStorage): the theme and
 * the time zone dates are shown in. Every control and every date reads them
 * through usePreference, so a change shows everywhere at once.
 */
export const PREFERENCES = {
  theme: { key: 'idemscope-theme', values: ['system', 'light', 'dark'], fallback: 'system' },
  timeZone: { key: 'idemscope-time-zone', values: ['local', 'utc'], fallback: 'local' },
} as const;

type Preferences = typeof PREFERENCES;
export type PreferenceName = keyof Preferences;
export type PreferenceValue<N extends PreferenceName> = Preferences[N]['values'][number];

const CHANGED = 'idemscope-preference';

function read<N extends PreferenceName>(name: N): PreferenceValue<N> {
  const spec = PREFERENCES[name];
  try {
    const stored = window.localStorage.getItem(spec.key);
    return (spec.values as readonly string[]).includes(stored ?? '') ? (stored as PreferenceValue<N>) : spec.fallback;
  } catch {
    // Storage can be off (private mode, policy): the default still works.
    return spec.fallback;
  }
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('storage', onChange);
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener('storage', onChange);
    window.removeEventListener(CHANGED, onChange);
  };
}

export function usePreference<N extends PreferenceName>(name: N): [PreferenceValue<N>, (value: PreferenceValue<N>) => void] {
  const value = useSyncExternalStore(
    subscribe,
    () => read(name),
    () => PREFERENCES[name].fallback,
  );
  const set = useCallback(
    (next: PreferenceValue<N>) => {
      try {
        window.localStorage.setItem(PREFERENCES[name].key, next);
      } catch {
        // Not persisted, but still applied for this page.
      }
      window.dispatchEvent(new Event(CHANGED));
    },
    [name],
  );
  return [value, set];
}

const DARK_QUERY = '(prefers-color-scheme: dark)';

function subscribeScheme(onChange: () => void): () => void {
  const media = window.matchMedia(DARK_QUERY);
  media.addEventListener('change', onChange);
  return () => media.removeEventListener('change', onChange);
}

/** The theme actually on screen: the pinned one, else the system's. Charts pick their colours from it. */
export function useResolvedTheme(): 'light' | 'dark' {
  const [theme] = usePreference('theme');
  const systemDark = useSyncExternalStore(
    subscribeScheme,
    () => window.matchMedia(DARK_QUERY).matches,
    () => false,
  );
  if (theme !== 'system') return theme;
  return systemDark ? 'dark' : 'light';
}
