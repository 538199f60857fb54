import { IdemscopeError } from './base';

export class NotFoundError extends IdemscopeError {
  override readonly name = 'NotFoundError';
  readonly status = 404;
  readonly code = 'not_found';

  constructor(
    readonly resource: 'key' | 'message',
    readonly id: string,
  ) {
    super(`No ${resource} ${JSON.stringify(id)} found.`, { context: { resource, id } });
  }
}

export class JobNotFoundError extends IdemscopeError {
  override readonly name = 'JobNotFoundError';
  readonly status = 404;
  readonly code = 'not_found';

  constructor(jobId: string) {
    super(`jobId: no purge job ${jobId}.`, { context: { jobId } });
  }
}
