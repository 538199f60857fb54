import { z } from 'zod';
import { InvalidParameterError } from '../errors';

/**
 * Text that both stores and the audit log can hold. PostgreSQL refuses NUL in
 * text, so a NUL that passed validation would fail the audit insert after
 * the action had already run; it is refused here, before anything runs.
 */
export const storableText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');

/** The first query parameter or path segment no store could hold, checked for every route before its own schema. */
export function refuseUnstorableInput(url: URL, params: Record<string, string | string[]>): void {
  for (const [name, value] of url.searchParams) {
    if (name.includes('\u0000') || value.includes('\u0000')) throw new InvalidParameterError(name.replace(/\u0000/g, '') || 'query', 'must not contain NUL characters');
  }
  for (const [name, value] of Object.entries(params)) {
    if ((Array.isArray(value) ? value : [value]).some((v) => v.includes('\u0000'))) throw new InvalidParameterError(name, 'must not contain NUL characters');
  }
}
