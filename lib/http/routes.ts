/**
 * Every API route and the methods it serves, for the proxy's 405 (with the
 * right Allow header) before Next routes a request; tests/dashboard/http-edge.test.ts
 * holds this list to the route files' exports, and the fuzz test walks it.
 */
export const API_ROUTES: readonly { path: string; methods: readonly ('GET' | 'POST')[] }[] = [
  { path: '/api/auth/login', methods: ['POST'] },
  { path: '/api/auth/logout', methods: ['POST'] },
  { path: '/api/auth/session', methods: ['GET'] },
  { path: '/api/metrics', methods: ['GET'] },
  { path: '/api/v1/audit', methods: ['GET'] },
  { path: '/api/v1/expiry', methods: ['GET'] },
  { path: '/api/v1/health', methods: ['GET'] },
  { path: '/api/v1/keys', methods: ['GET'] },
  { path: '/api/v1/keys/release', methods: ['POST'] },
  { path: '/api/v1/keys/[key]', methods: ['GET'] },
  { path: '/api/v1/lookup', methods: ['GET'] },
  { path: '/api/v1/messages', methods: ['GET'] },
  { path: '/api/v1/messages/release', methods: ['POST'] },
  { path: '/api/v1/messages/[id]', methods: ['GET'] },
  { path: '/api/v1/overview', methods: ['GET'] },
  { path: '/api/v1/purge', methods: ['POST'] },
  { path: '/api/v1/purge/jobs', methods: ['GET'] },
  { path: '/api/v1/purge/[jobId]', methods: ['GET'] },
  { path: '/api/v1/purge/[jobId]/cancel', methods: ['POST'] },
  { path: '/api/v1/purge/[jobId]/resume', methods: ['POST'] },
  { path: '/api/v1/sessions/end-all', methods: ['POST'] },
  { path: '/api/v1/stats/duplicates', methods: ['GET'] },
];

function matches(pattern: string, segments: string[]): boolean {
  const parts = pattern.split('/').filter(Boolean);
  return parts.length === segments.length && parts.every((part, i) => part.startsWith('[') || part === segments[i]);
}

/**
 * The methods a path answers, HEAD with GET; null for an API path no route
 * serves (Next's 404 answers it). Static segments win over dynamic ones, as in Next.
 */
export function allowedMethods(pathname: string): string[] | null {
  const segments = pathname.split('/').filter(Boolean);
  let methods: readonly string[] | undefined;
  if (pathname.startsWith('/api/')) {
    const candidates = API_ROUTES.filter((r) => matches(r.path, segments));
    methods = (candidates.find((r) => !r.path.includes('[')) ?? candidates[0])?.methods;
    if (!methods) return null;
  } else methods = ['GET'];
  return methods.includes('GET') ? [...methods, 'HEAD'] : [...methods];
}

/** The first path segment that is not valid percent-encoded UTF-8, or holds a NUL; null when all are fine. */
export function badPathSegment(pathname: string): string | null {
  for (const segment of pathname.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return segment;
    }
    if (decoded.includes('\u0000')) return segment;
  }
  return null;
}
