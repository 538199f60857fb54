import type { ApiErrorBody } from '@/lib/contract/errors';
import { ApiError } from './api-client';

// Set by the session query. Browsers that send Sec-Fetch-Site do not need
// it; older ones prove same-origin with it (see lib/auth/csrf.ts).
let csrfToken: string | null = null;

export function rememberCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** A fresh id per intended action: the server runs an action once per id, so a double submit is harmless. */
export function newActionId(): string {
  return crypto.randomUUID();
}

/**
 * POSTs JSON to an action or sign-in route and returns the JSON answer; a
 * non-2xx becomes an ApiError carrying the server's code and message.
 */
export async function postJson<T>(path: string, body: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        ...(csrfToken ? { 'x-idemscope-csrf': csrfToken } : {}),
      },
      body: JSON.stringify(body ?? {}),
    });
  } catch {
    throw new ApiError(0, 'network', 'The dashboard server could not be reached; the action may or may not have run. Send it again: it runs once.');
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: a proxy's error page, say.
  }
  if (!response.ok) {
    const error = (parsed as Partial<ApiErrorBody> | null)?.error;
    throw new ApiError(response.status, error?.code ?? 'internal', error?.message ?? `The server answered ${response.status}.`, error?.parameter);
  }
  return parsed as T;
}
