import { NextResponse, type NextRequest } from 'next/server';
import { authenticate } from '@/lib/auth/authenticate';
import { authConfigFrom } from '@/lib/auth/config';
import { appSessions } from '@/lib/auth/guard';
import { AuthNotConfiguredError, InvalidParameterError, MethodNotAllowedError, UnauthenticatedError } from '@/lib/errors';
import { errorResponse } from '@/lib/http/error-response';
import { allowedMethods, badPathSegment } from '@/lib/http/routes';
import { API_CSP, applySecurityHeaders, newNonce, pageCsp } from '@/lib/http/security-headers';
import { isPublicPath } from '@/lib/auth/public-paths';
import { anyCredentialConfigured } from '@/lib/auth/tokens';
import { env } from '@/lib/config/env';

/** What no route can serve, answered before Next routes it: a malformed path (Next would fail decoding it with a 500) or a method the path does not take. */
function refusal(request: NextRequest): Error | null {
  const { pathname } = request.nextUrl;
  const bad = badPathSegment(pathname);
  if (bad !== null) return new InvalidParameterError('path', `segment ${JSON.stringify(bad.slice(0, 80))} is not valid percent-encoded UTF-8 text`);
  const allowed = allowedMethods(pathname);
  if (allowed && !allowed.includes(request.method)) return new MethodNotAllowedError(request.method, allowed);
  return null;
}

/**
 * Every request but build assets passes here. It gets the security headers
 * (a page its own CSP nonce, which Next puts on its scripts), and sign-in is
 * required everywhere but the public paths: a page sends the browser to
 * /login and back, an API call gets a 401. Only identity is checked here;
 * each route handler checks the role again (and CSRF for mutations), so a
 * matcher mistake cannot open an action.
 */
export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const api = pathname.startsWith('/api/');
  const nonce = api ? null : newNonce();
  const csp = nonce ? pageCsp(nonce) : API_CSP;
  const secured = <R extends Response>(response: R): R => {
    applySecurityHeaders(response.headers, csp);
    return response;
  };

  const refused = refusal(request);
  if (refused) return secured(errorResponse(refused));
  const pass = () => {
    if (!nonce) return secured(NextResponse.next());
    // Next reads the nonce from the request's CSP header and puts it on every script it renders.
    const headers = new Headers(request.headers);
    headers.set('Content-Security-Policy', csp);
    return secured(NextResponse.next({ request: { headers } }));
  };

  if (isPublicPath(pathname)) return pass();
  const config = authConfigFrom(env());
  try {
    if (await authenticate(request, config, appSessions())) return pass();
  } catch (error) {
    // Sessions live in Postgres: without it nobody's cookie can be checked (a 503, not a 500 or a sign-in page).
    return secured(errorResponse(error));
  }
  if (api) {
    return secured(errorResponse(!config.authDisabled && !anyCredentialConfigured(config) ? new AuthNotConfiguredError() : new UnauthenticatedError()));
  }
  const login = new URL('/login', request.url);
  login.searchParams.set('next', `${pathname}${search}`);
  return secured(NextResponse.redirect(login));
}

export const config = {
  // Build assets carry no data (next.config.js gives them the static security headers); everything else goes through here.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|robots.txt).*)'],
};
