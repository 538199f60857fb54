import type { ApiErrorBody } from '../contract/errors';
import { describeFailure, IdemscopeError } from '../errors';

export interface MappedError {
  status: number;
  body: ApiErrorBody;
  headers: Record<string, string>;
}

// Anything unforeseen gets the same words: its own message may quote a connection string or a query.
const INTERNAL: ApiErrorBody = { error: { code: 'internal', message: 'Internal error; the server log has the details.' } };

/**
 * The one place where errors become HTTP answers. An IdemscopeError carries
 * its own status, code and headers; its cause and context stay on the server.
 */
export function mapError(error: unknown): MappedError {
  if (!(error instanceof IdemscopeError)) return { status: 500, body: INTERNAL, headers: {} };
  const { code, message, parameter } = error;
  return {
    status: error.status,
    body: { error: parameter === undefined ? { code, message } : { code, message, parameter } },
    headers: error.headers(),
  };
}

export function errorResponse(error: unknown): Response {
  const mapped = mapError(error);
  if (!(error instanceof IdemscopeError)) {
    // Only the name and a cleaned first line: driver errors can quote connection strings.
    console.error(`[api] ${error instanceof Error ? error.name : 'Error'}: ${describeFailure(error)}`);
  }
  return Response.json(mapped.body, { status: mapped.status, headers: { 'Cache-Control': 'no-store', ...mapped.headers } });
}
