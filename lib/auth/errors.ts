/**
 * Every refusal of the access layer is an AccessError carrying the HTTP status
 * and the API error code, so lib/http maps the whole family in one place and
 * proxy.ts can answer with the same body.
 */
export type AccessErrorCode =
  | 'unauthenticated'
  | 'invalid_token'
  | 'auth_not_configured'
  | 'forbidden'
  | 'cross_site_request'
  | 'read_only'
  | 'method_not_allowed'
  | 'rate_limited';

export class AccessError extends Error {
  override readonly name: string = 'AccessError';

  constructor(
    readonly status: number,
    readonly code: AccessErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Headers the answer must carry (Retry-After, Allow, WWW-Authenticate). */
  headers(): Record<string, string> {
    return {};
  }
}

export class UnauthenticatedError extends AccessError {
  override readonly name = 'UnauthenticatedError';
  constructor(message = 'Sign in first: send the session cookie from /login or an Authorization: Bearer token.') {
    super(401, 'unauthenticated', message);
  }
  override headers(): Record<string, string> {
    return { 'WWW-Authenticate': 'Bearer realm="idemscope"' };
  }
}

/** Neither credential variable is set, so nobody can sign in. */
export class AuthNotConfiguredError extends AccessError {
  override readonly name = 'AuthNotConfiguredError';
  constructor() {
    super(
      503,
      'auth_not_configured',
      'No credential is configured: set IDEMSCOPE_OPERATOR_TOKEN (and optionally IDEMSCOPE_VIEWER_TOKEN), or IDEMSCOPE_AUTH_DISABLED=1 for local development.',
    );
  }
}

export class ForbiddenError extends AccessError {
  override readonly name = 'ForbiddenError';
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(403, 'forbidden', message, context);
  }
}

export class CrossSiteRequestError extends AccessError {
  override readonly name = 'CrossSiteRequestError';
  constructor(reason: string) {
    super(403, 'cross_site_request', `Refused as a possible cross-site request: ${reason}.`, { reason });
  }
}

export class ReadOnlyError extends AccessError {
  override readonly name = 'ReadOnlyError';
  constructor() {
    super(405, 'read_only', 'Actions are turned off: this dashboard runs with IDEMSCOPE_READ_ONLY=1.');
  }
  override headers(): Record<string, string> {
    return { Allow: 'GET, HEAD' };
  }
}

export class MethodNotAllowedError extends AccessError {
  override readonly name = 'MethodNotAllowedError';
  constructor(
    method: string,
    readonly allow: string[],
  ) {
    super(405, 'method_not_allowed', `${method} is not allowed here; use ${allow.join(' or ')}.`, { method });
  }
  override headers(): Record<string, string> {
    return { Allow: this.allow.join(', ') };
  }
}

export class RateLimitedError extends AccessError {
  override readonly name = 'RateLimitedError';
  constructor(
    readonly retryAfterSeconds: number,
    limit: number,
  ) {
    super(429, 'rate_limited', `Too many requests: at most ${limit} per minute; retry in ${retryAfterSeconds} s.`, { limit });
  }
  override headers(): Record<string, string> {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}

/** The body every API error has; the same shape lib/http produces. */
export function accessErrorBody(error: AccessError): { error: { code: string; message: string } } {
  return { error: { code: error.code, message: error.message } };
}

export function accessErrorResponse(error: AccessError): Response {
  return Response.json(accessErrorBody(error), { status: error.status, headers: error.headers() });
}
