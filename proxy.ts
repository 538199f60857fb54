import { NextResponse, type NextRequest } from 'next/server';
import { authenticate } from '@/lib/auth/authenticate';
import { authConfigFrom } from '@/lib/auth/config';
import { AuthNotConfiguredError, UnauthenticatedError } from '@/lib/errors';
import { errorResponse } from '@/lib/http/error-response';
import { isPublicPath } from '@/lib/auth/public-paths';
import { anyCredentialConfigured } from '@/lib/auth/tokens';
import { env } from '@/lib/config/env';

/**
 * Sign-in is required everywhere but the public paths: a page sends the
 * browser to /login and back, an API call gets a 401. Only identity is
 * checked here; each route handler checks the role again (and CSRF for
 * mutations), so a matcher mistake cannot open an action.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (isPublicPath(pathname)) return NextResponse.next();
  const config = authConfigFrom(env());
  if (authenticate(request, config)) return NextResponse.next();
  if (pathname.startsWith('/api/')) {
    return errorResponse(!config.authDisabled && !anyCredentialConfigured(config) ? new AuthNotConfiguredError() : new UnauthenticatedError());
  }
  const login = new URL('/login', request.url);
  login.searchParams.set('next', `${pathname}${search}`);
  return NextResponse.redirect(login);
}

export const config = {
  // Build assets carry no data; everything else, pages and API alike, goes through the check.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|robots.txt).*)'],
};
