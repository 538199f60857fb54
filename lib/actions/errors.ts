/**
 * Refusals of an action request, beside the access layer's AccessError. Each
 * carries its HTTP status and API code so lib/http maps the family in one place.
 * A malformed field is the read side's InvalidParameterError, shared by both.
 */
export class ActionError extends Error {
  override readonly name: string = 'ActionError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class BulkLimitError extends ActionError {
  override readonly name = 'BulkLimitError';
  constructor(
    readonly limit: number,
    requested: number,
  ) {
    super(413, 'bulk_limit_exceeded', `keys: at most ${limit} targets per request (IDEMSCOPE_BULK_LIMIT=${limit}); got ${requested}.`, { limit, requested });
  }
}

export class BodyTooLargeError extends ActionError {
  override readonly name = 'BodyTooLargeError';
  constructor(limitBytes: number) {
    super(413, 'body_too_large', `The request body is over ${limitBytes} bytes.`, { limitBytes });
  }
}

/** The same actionId was sent again for a different action, user or parameters. */
export class ActionIdReusedError extends ActionError {
  override readonly name = 'ActionIdReusedError';
  constructor(actionId: string) {
    super(409, 'action_id_reused', `actionId: ${actionId} was already used for a different action or parameters; send a new uuid.`, { actionId });
  }
}

/** A request with this actionId is still running; its result comes back when it ends. */
export class ActionInProgressError extends ActionError {
  override readonly name = 'ActionInProgressError';
  constructor(actionId: string) {
    super(409, 'action_in_progress', `Action ${actionId} is still running; retry the same request shortly to get its result.`, { actionId });
  }
}

export class PurgeAlreadyRunningError extends ActionError {
  override readonly name = 'PurgeAlreadyRunningError';
  constructor(readonly jobId: string) {
    super(409, 'purge_running', `A purge of processed_messages is already running (job ${jobId}); cancel it or wait for it.`, { jobId });
  }
}

export class JobNotFoundError extends ActionError {
  override readonly name = 'JobNotFoundError';
  constructor(jobId: string) {
    super(404, 'not_found', `jobId: no purge job ${jobId}.`, { jobId });
  }
}

export class JobStateError extends ActionError {
  override readonly name = 'JobStateError';
  constructor(jobId: string, status: string, wanted: string) {
    super(409, 'job_state', `Purge job ${jobId} is ${status}; it can only be ${wanted} from another state.`, { jobId, status });
  }
}
