/**
 * Headers every response carries. next.config.js sends the same static set
 * for what bypasses the proxy (build assets); a test holds the two together.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

/** JSON and text answers load nothing and are never framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The pages' policy. Scripts: only Next's own, each carrying this response's
 * nonce ('strict-dynamic' lets them load the chunks they import). Styles
 * allow inline because the charts and the progress bar set style attributes,
 * which a nonce cannot cover; no script can ride on a style.
 */
export function pageCsp(nonce: string, dev = process.env.NODE_ENV === 'development'): string {
  // `next dev` evaluates modules and talks to its HMR socket; a production build does neither.
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? ' ws: wss:' : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** 16 random bytes, base64: a fresh nonce per page response (Web Crypto, so it runs wherever the proxy runs). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export function applySecurityHeaders(headers: Headers, csp: string): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
  headers.set('Content-Security-Policy', csp);
}
