/**
 * How often live views poll. react-query stops the interval while the tab is
 * hidden (refetchIntervalInBackground: false) so an idle tab costs the stores nothing.
 */
export const LIVE_REFRESH = {
  refetchInterval: 10_000,
  refetchIntervalInBackground: false,
} as const;
