import { IdemscopeError } from './base';

/**
 * A refusal by the access layer. Its own branch so the guard can tell a
 * refusal (audited once the user is known) from a failure of the action.
 */
export abstract class AccessError extends IdemscopeError {
  override readonly name: string = 'AccessError';
}

export class UnauthenticatedError extends AccessError {
  override readonly name = 'UnauthenticatedError';
  readonly status = 401;
  readonly code = 'unauthenticated';

  constructor(message = 'Sign in first: send the session cookie from /login or an Authorization: Bearer token.') {
    super(message);
  }

  override headers(): Record<string, string> {
    return { 'WWW-Authenticate': 'Bearer realm="idemscope"' };
  }
}

/** A wrong token; its own code so the sign-in page can say "not valid" rather than "sign in". */
export class InvalidTokenError extends AccessError {
  override readonly name = 'InvalidTokenError';
  readonly status = 401;
  readonly code = 'invalid_token';

  constructor() {
    super('That access token is not valid.');
  }
}

/** Neither credential variable is set, so nobody can sign in. */
export class AuthNotConfiguredError extends AccessError {
  override readonly name = 'AuthNotConfiguredError';
  readonly status = 503;
  readonly code = 'auth_not_configured';

  constructor() {
    super(
      'No credential is configured: set IDEMSCOPE_OPERATOR_TOKEN (and optionally IDEMSCOPE_VIEWER_TOKEN), or IDEMSCOPE_AUTH_DISABLED=1 for local development.',
    );
  }
}

export class ForbiddenError extends AccessError {
  override readonly name = 'ForbiddenError';
  readonly status = 403;
  readonly code = 'forbidden';

  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, { context });
  }
}

export class CrossSiteRequestError extends AccessError {
  override readonly name = 'CrossSiteRequestError';
  readonly status = 403;
  readonly code = 'cross_site_request';

  constructor(reason: string) {
    super(`Refused as a possible cross-site request: ${reason}.`, { context: { reason } });
  }
}

export class ReadOnlyError extends AccessError {
  override readonly name = 'ReadOnlyError';
  readonly status = 405;
  readonly code = 'read_only';

  constructor() {
    super('Actions are turned off: this dashboard runs with IDEMSCOPE_READ_ONLY=1.');
  }

  override headers(): Record<string, string> {
    return { Allow: 'GET, HEAD' };
  }
}

export class MethodNotAllowedError extends AccessError {
  override readonly name = 'MethodNotAllowedError';
  readonly status = 405;
  readonly code = 'method_not_allowed';

  constructor(
    method: string,
    readonly allow: string[],
  ) {
    super(`${method} is not allowed here; use ${allow.join(' or ')}.`, { context: { method } });
  }

  override headers(): Record<string, string> {
    return { Allow: this.allow.join(', ') };
  }
}

export class RateLimitedError extends AccessError {
  override readonly name = 'RateLimitedError';
  readonly status = 429;
  readonly code = 'rate_limited';

  constructor(
    readonly retryAfterSeconds: number,
    limit: number,
  ) {
    super(`Too many requests: at most ${limit} per minute; retry in ${retryAfterSeconds} s.`, { context: { limit } });
  }

  override headers(): Record<string, string> {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}
