/**
 * What anyone may reach without signing in: the sign-in page and its API,
 * and the health check that load balancers and `npm run demo` poll. Anything
 * else, page or API, needs a session or a Bearer token.
 */
export function isPublicPath(pathname: string): boolean {
  return pathname === '/login' || pathname.startsWith('/api/auth/') || pathname === '/api/v1/health';
}

const PROBE_ORIGIN = 'http://idemscope.invalid';

/**
 * Where to go after signing in: only a path on this site, so that a crafted
 * `/login?next=https://evil.example` cannot bounce a fresh session elsewhere.
 * Browsers drop tabs and newlines from URLs and read `\` as `/`, so
 * `/\t/evil.example` becomes `//evil.example`: any control character or
 * backslash is refused outright, and what is left must resolve to this
 * origin, as a path that is not protocol-relative.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || next.length > 2048 || !next.startsWith('/') || next.startsWith('//')) return '/';
  if (/[\u0000-\u001f\u007f-\u009f\\]/.test(next)) return '/';
  let resolved: URL;
  try {
    resolved = new URL(next, PROBE_ORIGIN);
  } catch {
    return '/';
  }
  if (resolved.origin !== PROBE_ORIGIN || resolved.pathname.startsWith('//') || resolved.pathname.startsWith('/login')) return '/';
  return next;
}
