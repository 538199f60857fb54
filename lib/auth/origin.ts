import { isIP } from 'node:net';
import { cidrSet, plainAddress } from '../config/cidr';
import { env } from '../config/env';
import { socketAddress } from '../http/node-guard';

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
  const forwarded = request.headers.get('x-forwarded-proto')?.split(',')[0]!.trim();
  return forwarded === 'https' || new URL(request.url).protocol === 'https:';
}

interface TrustedProxies {
  has(address: string): boolean;
}

const holder = globalThis as unknown as { idemscopeTrustedProxies?: { from: readonly string[]; set: TrustedProxies } };

function configuredProxies(): TrustedProxies {
  const from = env().IDEMSCOPE_TRUSTED_PROXIES;
  if (holder.idemscopeTrustedProxies?.from !== from) holder.idemscopeTrustedProxies = { from, set: cidrSet(from) };
  return holder.idemscopeTrustedProxies.set;
}

/**
 * The client's address: the socket's, unless the socket is a proxy listed in
 * IDEMSCOPE_TRUSTED_PROXIES. Then X-Forwarded-For is read from the right,
 * past every trusted proxy, and the first address no trusted proxy holds is
 * the client: entries left of it were written by the client and prove
 * nothing. `unknown` when the request did not come through this process's
 * HTTP server (lib/http/node-guard.ts), whatever its headers claim.
 */
export function clientAddress(request: Request, trusted: TrustedProxies = configuredProxies()): string {
  const socket = socketAddress(request.headers);
  if (socket === null) return 'unknown';
  let client = plainAddress(socket);
  if (!trusted.has(client)) return client;
  const forwarded = request.headers.get('x-forwarded-for');
  if (forwarded === null) return client;
  const hops = forwarded.split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = plainAddress(hops[i]!.trim());
    if (isIP(hop) === 0) break;
    client = hop;
    if (!trusted.has(hop)) break;
  }
  return client;
}

/**
 * What the sign-in limiter counts per: an IPv4 address, or an IPv6 /64, since
 * one host usually holds a whole /64 and could otherwise spread its attempts over it.
 */
export function addressBucket(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head, tail = ''] = address.toLowerCase().split('::') as [string, string?];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // Without `::` the left part holds all eight groups and nothing is filled in.
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
