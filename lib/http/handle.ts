import { errorResponse } from './error-response';
import { refuseUnstorableInput } from './text';

/** What a handler returns; handle() turns it into a Response. A string body is sent as text. */
export interface HandlerResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type RouteParams = Record<string, string | string[]>;

export interface HandlerInput<P extends RouteParams> {
  request: Request;
  url: URL;
  params: P;
  /** Whatever the guard returned (e.g. the signed-in principal); undefined without a guard. */
  principal: unknown;
}

export type Handler<P extends RouteParams> = (input: HandlerInput<P>) => Promise<HandlerResult> | HandlerResult;

/** A step run before the handler; it throws to refuse (e.g. requireRole('viewer') from lib/auth/guard). */
export type Guard = (request: Request) => unknown;

export interface HandleOptions {
  guard?: Guard;
}

export interface RouteContext<P extends RouteParams> {
  params: Promise<P>;
}

/**
 * Adapts a `{status, body}` handler to a Next route handler: awaits the
 * route params, runs the optional guard, and maps any thrown error through
 * lib/http/error-response.ts. Nothing else happens here, so wrappers compose.
 */
export function handle<P extends RouteParams = RouteParams>(handler: Handler<P>, options: HandleOptions = {}) {
  return async (request: Request, context?: RouteContext<P>): Promise<Response> => {
    try {
      const principal = options.guard ? await options.guard(request) : undefined;
      const params = ((await context?.params) ?? {}) as P;
      const url = new URL(request.url);
      refuseUnstorableInput(url, params);
      const result = await handler({ request, url, params, principal });
      const headers = { 'Cache-Control': 'no-store', ...result.headers };
      if (typeof result.body === 'string') return new Response(result.body, { status: result.status, headers });
      return Response.json(result.body, { status: result.status, headers });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export function ok(body: unknown, headers?: Record<string, string>): HandlerResult {
  return { status: 200, body, headers };
}
