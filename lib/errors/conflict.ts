import { IdemscopeError } from './base';

/** The same actionId was sent again for a different action, user or parameters. */
export class ActionIdReusedError extends IdemscopeError {
  override readonly name = 'ActionIdReusedError';
  readonly status = 409;
  readonly code = 'action_id_reused';

  constructor(actionId: string) {
    super(`actionId: ${actionId} was already used for a different action or parameters; send a new uuid.`, { context: { actionId } });
  }
}

/** A request with this actionId is still running; its result comes back when it ends. */
export class ActionInProgressError extends IdemscopeError {
  override readonly name = 'ActionInProgressError';
  readonly status = 409;
  readonly code = 'action_in_progress';

  constructor(actionId: string) {
    super(`Action ${actionId} is still running; retry the same request shortly to get its result.`, { context: { actionId } });
  }
}

export class PurgeAlreadyRunningError extends IdemscopeError {
  override readonly name = 'PurgeAlreadyRunningError';
  readonly status = 409;
  readonly code = 'purge_running';

  constructor(readonly jobId: string) {
    super(`A purge of processed_messages is already running (job ${jobId}); cancel it or wait for it.`, { context: { jobId } });
  }
}

/** Cancel or resume asked of a purge job whose status does not allow it. */
export class JobStateError extends IdemscopeError {
  override readonly name = 'JobStateError';
  readonly status = 409;
  readonly code = 'job_state';

  constructor(jobId: string, status: string, wanted: string) {
    super(`Purge job ${jobId} is ${status}; it can only be ${wanted} from another state.`, { context: { jobId, status } });
  }
}
