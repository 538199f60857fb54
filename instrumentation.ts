/** Runs once per server process before it handles requests (Next's instrumentation hook). */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { installNodeRequestGuard } = await import('./lib/http/node-guard');
  const { API_CSP, SECURITY_HEADERS } = await import('./lib/http/security-headers');
  installNodeRequestGuard({ ...SECURITY_HEADERS, 'Content-Security-Policy': API_CSP });
}
