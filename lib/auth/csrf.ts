import type { Authenticated } from './authenticate';
import type { AuthConfig } from './config';
import { CrossSiteRequestError } from '../errors';
import { expectedHost } from './origin';
import { validCsrfToken } from './session';

export const CSRF_HEADER = 'x-idemscope-csrf';

/**
 * The rule for every mutation:
 * - Bearer requests pass: browsers never attach an Authorization header on
 *   their own, and a page cannot add one cross-origin without a CORS
 *   preflight, which this app never grants.
 * - Everything else (cookie sessions, and everyone when auth is disabled)
 *   must carry an Origin equal to the dashboard's own (a missing or `null`
 *   Origin is refused), AND either `Sec-Fetch-Site: same-origin` or, from a
 *   browser too old to send Sec-Fetch-Site, the session's CSRF token in
 *   X-Idemscope-CSRF. A Sec-Fetch-Site other than same-origin is always refused.
 */
export function checkCsrf(request: Request, authenticated: Authenticated, config: AuthConfig): void {
  if (authenticated.principal.via === 'bearer') return;
  checkOrigin(request, config);
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) {
    if (site !== 'same-origin') throw new CrossSiteRequestError(`Sec-Fetch-Site is ${JSON.stringify(site)}, not "same-origin"`);
    return;
  }
  const session = authenticated.session;
  if (!session || !validCsrfToken(request.headers.get(CSRF_HEADER), session, config)) {
    throw new CrossSiteRequestError(`no Sec-Fetch-Site header and no valid ${CSRF_HEADER} token`);
  }
}

/**
 * Sign-in and sign-out have no session to bind a token to. They take only
 * `Content-Type: application/json`, which no cross-site form can send and a
 * cross-site fetch cannot send without a CORS preflight this app never
 * grants; an Origin or Sec-Fetch-Site, when the client sends one, must say
 * same-origin. Clients without a browser (scripts, test runners) send neither.
 */
export function checkSignInRequest(request: Request, config: AuthConfig): void {
  const type = request.headers.get('content-type')?.split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new CrossSiteRequestError('the body must be sent as Content-Type: application/json');
  if (request.headers.get('origin') !== null) checkOrigin(request, config);
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin') throw new CrossSiteRequestError(`Sec-Fetch-Site is ${JSON.stringify(site)}, not "same-origin"`);
}

function checkOrigin(request: Request, config: AuthConfig): void {
  const origin = request.headers.get('origin');
  if (origin === null || origin === '') throw new CrossSiteRequestError('the Origin header is missing');
  if (origin === 'null') throw new CrossSiteRequestError('the Origin is "null"');
  const url = URL.canParse(origin) ? new URL(origin) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new CrossSiteRequestError('the Origin header is malformed');
  if (url.host !== expectedHost(request, config.publicOrigin)) throw new CrossSiteRequestError(`the Origin ${origin} is not this dashboard's`);
}
