import { IdemscopeError } from './base';

/** A query, path, header or body field is malformed; the message starts with its name. */
export class InvalidParameterError extends IdemscopeError {
  override readonly name = 'InvalidParameterError';
  readonly status = 400;
  readonly code = 'bad_request';
  declare readonly parameter: string;

  constructor(parameter: string, problem: string) {
    super(`${parameter}: ${problem}`, { parameter, context: { parameter } });
  }
}

export class BodyTooLargeError extends IdemscopeError {
  override readonly name = 'BodyTooLargeError';
  readonly status = 413;
  readonly code = 'body_too_large';

  constructor(limitBytes: number) {
    super(`The request body is over ${limitBytes} bytes.`, { context: { limitBytes } });
  }
}

/** More targets than IDEMSCOPE_BULK_LIMIT in one action request. */
export class BulkLimitError extends IdemscopeError {
  override readonly name = 'BulkLimitError';
  readonly status = 413;
  readonly code = 'bulk_limit_exceeded';

  constructor(
    readonly limit: number,
    requested: number,
  ) {
    super(`keys: at most ${limit} targets per request (IDEMSCOPE_BULK_LIMIT=${limit}); got ${requested}.`, { context: { limit, requested } });
  }
}
