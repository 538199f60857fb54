import type { ApiErrorCode } from '../contract/errors';

export interface IdemscopeErrorOptions {
  /** Facts for the server log; never sent to the client. */
  context?: Record<string, unknown>;
  /** The request field at fault, sent back so a form can point at it. */
  parameter?: string;
  /** The failure underneath, kept for the log and debugging; never sent to the client. */
  cause?: unknown;
}

/**
 * Every failure the app reports on purpose. Each subclass fixes its HTTP
 * status and API code, so lib/http/error-response.ts maps the whole family
 * without knowing its members, and a new error cannot be forgotten there.
 * The message is sent to the client as is: it must never hold a secret.
 */
export abstract class IdemscopeError extends Error {
  override readonly name: string = 'IdemscopeError';
  abstract readonly status: number;
  abstract readonly code: ApiErrorCode;
  readonly context: Record<string, unknown>;
  readonly parameter?: string;

  constructor(message: string, options: IdemscopeErrorOptions = {}) {
    // Passing {cause: undefined} would still create an own `cause` property.
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.context = options.context ?? {};
    if (options.parameter !== undefined) this.parameter = options.parameter;
  }

  /** Headers the answer must carry (Retry-After, Allow, WWW-Authenticate). */
  headers(): Record<string, string> {
    return {};
  }
}
