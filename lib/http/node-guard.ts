import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

/**
 * What Next does not give a route handler: the socket's address, and a say
 * over methods a WHATWG Request cannot even carry. Next fills X-Forwarded-For
 * from the socket only when the client sent none, so a client that sends its
 * own hides its real address; and a TRACE request fails inside Next (the
 * Fetch standard forbids the method) with a plain-text 500 before any proxy
 * or handler runs. Both are fixed at the one place that sees the socket: the
 * Node server's `request` event, patched once per process from instrumentation.ts.
 */
export const SOCKET_ADDRESS_HEADER = 'x-idemscope-socket-address';

/** Methods no route of this app serves and a Request cannot be built for; answered here, before Next. */
const UNROUTABLE_METHODS = new Set(['TRACE', 'CONNECT']);

interface GuardState {
  /** Per process and never sent anywhere: a client cannot forge the header without it. */
  proof: string;
  installed: boolean;
}

const holder = globalThis as unknown as { idemscopeNodeGuard?: GuardState };

function state(): GuardState {
  return (holder.idemscopeNodeGuard ??= { proof: randomBytes(18).toString('base64url'), installed: false });
}

/** The header value that vouches for `address` in this process (tests use it to stand in for a socket). */
export function socketAddressHeaderValue(address: string): string {
  return `${state().proof} ${address}`;
}

/** The socket's address as the patched server recorded it, or null when this request did not pass through it. */
export function socketAddress(headers: Headers): string | null {
  const value = headers.get(SOCKET_ADDRESS_HEADER);
  if (!value) return null;
  const space = value.indexOf(' ');
  if (space < 0 || value.slice(0, space) !== state().proof) return null;
  return value.slice(space + 1) || null;
}

function refuseMethod(response: http.ServerResponse, method: string, headers: Record<string, string>): void {
  const body = JSON.stringify({ error: { code: 'method_not_allowed', message: `${method} is not allowed here; use GET, HEAD or POST.` } });
  response.writeHead(405, { ...headers, Allow: 'GET, HEAD, POST', 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

/**
 * Patches every HTTP(S) server of this process, once: each request gets the
 * vouched socket address (overwriting whatever a client sent under that
 * name), and TRACE/CONNECT get a JSON 405 carrying `headers`.
 */
export function installNodeRequestGuard(headers: Record<string, string> = {}): void {
  const guard = state();
  if (guard.installed) return;
  guard.installed = true;
  for (const Server of [http.Server, https.Server]) {
    const emit = Server.prototype.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
    Server.prototype.emit = function guardedEmit(this: http.Server, event: string | symbol, ...args: unknown[]) {
      if (event === 'request') {
        const [request, response] = args as [http.IncomingMessage, http.ServerResponse];
        if (UNROUTABLE_METHODS.has(request.method ?? '')) {
          refuseMethod(response, request.method!, headers);
          return true;
        }
        request.headers[SOCKET_ADDRESS_HEADER] = socketAddressHeaderValue(request.socket.remoteAddress ?? '');
      }
      return emit.call(this, event, ...args);
    } as typeof Server.prototype.emit;
  }
}
