/**
 * What anyone may reach without signing in: the sign-in page and its API,
 * and the health check that load balancers and `npm run demo` poll. Anything
 * else, page or API, needs a session or a Bearer token.
 */
export function isPublicPath(pathname: string): boolean {
  return pathname === '/login' || pathname.startsWith('/api/auth/') || pathname === '/api/v1/health';
}

/**
 * Where to go after signing in: only a path on this site, so that a crafted
 * `/login?next=https://evil.example` cannot bounce a fresh session elsewhere.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/login')) return '/';
  return next;
}
