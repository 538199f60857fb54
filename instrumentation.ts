/** Next calls this once as the server starts, before it serves a request. */
export async function register(): Promise<void> {
  // The edge runtime has no process.exit; the Node server is the one that must not start.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { checkEnvAtStart } = await import('./lib/config/start-check');
  checkEnvAtStart(process.env, { log: (message) => console.error(message), exit: (code) => process.exit(code) });
}
