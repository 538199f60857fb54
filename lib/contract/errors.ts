/**
 * Every `code` an error answer can carry. Clients branch on these (the
 * sign-in page on `invalid_token`, for one), so a code is never renamed;
 * lib/errors ties each to its error class and HTTP status.
 */
export const API_ERROR_CODES = [
  'bad_request',
  'body_too_large',
  'bulk_limit_exceeded',
  'not_found',
  'action_id_reused',
  'action_in_progress',
  'purge_running',
  'job_state',
  'unauthenticated',
  'invalid_token',
  'forbidden',
  'cross_site_request',
  'read_only',
  'method_not_allowed',
  'rate_limited',
  'store_unavailable',
  'store_privilege',
  'auth_not_configured',
  'timeout',
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** Body of every non-2xx answer. `parameter` names the field at fault, for `bad_request`. */
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; parameter?: string };
}
