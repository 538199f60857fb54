import { z } from 'zod';
import { InvalidParameterError } from '../errors';

/**
 * Listing cursors are opaque to clients: base64url JSON, checked with a
 * schema on the way back in, so a tampered or stale cursor is a 400 naming
 * `cursor`, never a crash.
 */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S): z.infer<S> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidParameterError('cursor', 'not a cursor returned by this API');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new InvalidParameterError('cursor', 'not a cursor returned by this API');
  return result.data;
}

/** Where a key listing stands: pattern index, the SCAN cursor of the batch, and how far into that batch it got. */
export const keysCursorSchema = z.object({
  p: z.number().int().min(0),
  c: z.string().regex(/^\d+$/),
  o: z.number().int().min(0),
  n: z.number().int().min(1),
});
export type KeysCursor = z.infer<typeof keysCursorSchema>;

/** Where a message listing stands: the state it lists (all = none) and the last row's sort key. */
export const messagesCursorSchema = z.object({
  s: z.string(),
  at: z.iso.datetime({ offset: true }),
  id: z.guid(),
});
export type MessagesCursor = z.infer<typeof messagesCursorSchema>;
