import {
  DashboardError,
  describeFailure,
  FreshSnapshotTimeoutError,
  InvalidParameterError,
  NotFoundError,
  StoreUnavailableError,
} from '../dashboard/errors';

/** Body of every non-2xx answer (see ApiErrorBody in lib/dashboard/api-types.ts). */
export interface ErrorBody {
  error: { code: string; message: string; parameter?: string };
}

interface Mapped {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

/**
 * Errors that carry their own HTTP status and API code: the access layer's
 * AccessError family (lib/auth/errors.ts) and the actions' ActionError family.
 */
interface StatusCarrying {
  status: number;
  code: string;
  message: string;
  parameter?: unknown;
  headers?: () => Record<string, string>;
}

function carriesStatus(error: unknown): error is StatusCarrying {
  if (!(error instanceof Error)) return false;
  const e = error as unknown as Partial<StatusCarrying>;
  return typeof e.status === 'number' && e.status >= 400 && e.status < 600 && typeof e.code === 'string';
}

/** The one place where errors become HTTP statuses. */
export function mapError(error: unknown): Mapped {
  if (error instanceof InvalidParameterError) {
    return { status: 400, body: { error: { code: 'bad_request', message: error.message, parameter: error.parameter } } };
  }
  if (error instanceof NotFoundError) return { status: 404, body: { error: { code: 'not_found', message: error.message } } };
  if (error instanceof StoreUnavailableError) {
    return { status: 503, body: { error: { code: 'store_unavailable', message: error.message } }, headers: { 'Retry-After': '5' } };
  }
  if (error instanceof FreshSnapshotTimeoutError) return { status: 504, body: { error: { code: 'timeout', message: error.message } } };
  if (carriesStatus(error)) {
    const parameter = typeof error.parameter === 'string' ? { parameter: error.parameter } : {};
    return { status: error.status, body: { error: { code: error.code, message: error.message, ...parameter } }, headers: error.headers?.() };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'Internal error; the server log has the details.' } } };
}

export function errorResponse(error: unknown): Response {
  const mapped = mapError(error);
  if (mapped.status >= 500 && !(error instanceof DashboardError)) {
    // Only the name and a cleaned first line: driver errors can quote connection strings.
    console.error(`[api] ${error instanceof Error ? error.name : 'Error'}: ${describeFailure(error)}`);
  }
  return Response.json(mapped.body, { status: mapped.status, headers: { 'Cache-Control': 'no-store', ...mapped.headers } });
}
