/**
 * Where a request came from, as far as the access layer needs to know. Host
 * and Origin cannot be forged by a page in a victim's browser, so comparing
 * them is sound; a reverse proxy that rewrites Host needs IDEMSCOPE_PUBLIC_ORIGIN.
 */

/** host[:port] the dashboard is reached at. */
export function expectedHost(request: Request, publicOrigin?: string): string {
  if (publicOrigin) return new URL(publicOrigin).host;
  return request.headers.get('host') ?? new URL(request.url).host;
}

export function isHttps(request: Request, publicOrigin?: string): boolean {
  if (publicOrigin) return publicOrigin.startsWith('https:');
  const forwarded = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  return forwarded === 'https' || new URL(request.url).protocol === 'https:';
}

/**
 * The client's address as reported by the proxy chain (left-most
 * X-Forwarded-For entry, which Next fills from the socket when absent);
 * informational only, since a client can prepend its own entry.
 */
export function clientAddress(request: Request): string {
  const forwarded = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  const address = forwarded || request.headers.get('x-real-ip')?.trim() || 'unknown';
  return address.slice(0, 64);
}
