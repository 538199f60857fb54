export { IdemscopeError, type IdemscopeErrorOptions } from './base';
export { BodyTooLargeError, BulkLimitError, InvalidParameterError } from './input';
export { JobNotFoundError, NotFoundError } from './not-found';
export { FreshSnapshotTimeoutError, StorePrivilegeError, StoreUnavailableError } from './store';
export { ActionIdReusedError, ActionInProgressError, JobStateError, PurgeAlreadyRunningError } from './conflict';
export {
  AccessError,
  AuthNotConfiguredError,
  CrossSiteRequestError,
  ForbiddenError,
  InvalidTokenError,
  MethodNotAllowedError,
  RateLimitedError,
  ReadOnlyError,
  UnauthenticatedError,
} from './access';
export { describeFailure, driverErrorKind } from './describe-failure';
export { isLockTimeout, postgresUnavailableReason } from './store-failure';
