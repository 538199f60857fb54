/** Next calls this once per server process as it starts, before it serves a request. */
export async function register(): Promise<void> {
  // The edge runtime has no process.exit and no Node server to guard.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { checkEnvAtStart } = await import('./lib/config/start-check');
  checkEnvAtStart(process.env, { log: (message) => console.error(message), exit: (code) => process.exit(code) });
  const { installNodeRequestGuard } = await import('./lib/http/node-guard');
  const { API_CSP, SECURITY_HEADERS } = await import('./lib/http/security-headers');
  installNodeRequestGuard({ ...SECURITY_HEADERS, 'Content-Security-Policy': API_CSP });
}
