import type { ApiErrorBody } from '@/lib/contract/errors';

/** A non-2xx answer from the dashboard API, carrying the server's code and message. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
  }
}

export type QueryParams = Record<string, string | number | boolean | null | undefined>;

export function apiPath(path: string, params: QueryParams = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

function sendToLogin(): void {
  if (typeof window === 'undefined' || window.location.pathname === '/login') return;
  const login = new URL('/login', window.location.origin);
  login.searchParams.set('next', `${window.location.pathname}${window.location.search}`);
  // A full load, not a client navigation: it drops every cached query of the ended session.
  window.location.assign(login.toString());
}

async function errorFrom(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as Partial<ApiErrorBody>;
    if (body.error?.message) {
      return new ApiError(response.status, body.error.code ?? 'internal', body.error.message, body.error.parameter);
    }
  } catch {
    // Not JSON (a proxy's error page, say): fall through to a generic message.
  }
  return new ApiError(response.status, 'internal', `The server answered ${response.status} ${response.statusText}`.trim());
}

/**
 * GETs JSON from the dashboard API with the session cookie. A 401 means the
 * session ended, so the browser is sent to sign in and come back here.
 */
export async function getJson<T>(path: string, params?: QueryParams, signal?: AbortSignal): Promise<T> {
  return (await getJsonWithHeaders<T>(path, params, signal)).body;
}

/** getJson, with the answer's headers (e.g. which stores a figure includes). */
export async function getJsonWithHeaders<T>(path: string, params?: QueryParams, signal?: AbortSignal): Promise<{ body: T; headers: Headers }> {
  let response: Response;
  try {
    response = await fetch(apiPath(path, params), {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
      cache: 'no-store',
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'network', 'The dashboard server could not be reached.');
  }
  if (response.status === 401) {
    sendToLogin();
    throw await errorFrom(response);
  }
  if (!response.ok) throw await errorFrom(response);
  return { body: (await response.json()) as T, headers: response.headers };
}

/** 4xx answers will not change on retry; network trouble and 5xx might. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}
