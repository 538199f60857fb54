import { z } from 'zod';

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
