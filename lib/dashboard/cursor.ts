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

/** Redis SCAN cursors are unsigned 64-bit integers; anything larger is an error on Redis's side. */
const MAX_SCAN_CURSOR = 2n ** 64n - 1n;
/** No SCAN reply holds anywhere near this many keys past its COUNT; an offset beyond it is forged. */
export const MAX_BATCH_OFFSET = 1_000_000;

/**
 * Where a key listing stands: pattern index, the SCAN cursor of the batch, how
 * far into that batch it got, and the COUNT the batch was read with. Every
 * field is bounded here and `n` is clamped again by the listing to its own
 * COUNT, so a forged cursor can neither fail on Redis nor ask it for more work.
 */
export const keysCursorSchema = z.strictObject({
  p: z.number().int().min(0).max(1000),
  // On a cluster, `<master index>:<cursor>` (see lib/stores/redis/cluster-keyspace.ts).
  c: z
    .string()
    .regex(/^(\d{1,4}:)?\d{1,20}$/)
    .refine((c) => {
      const node = /^(?:\d{1,4}:)?(\d{1,20})$/.exec(c)?.[1];
      return node !== undefined && BigInt(node) <= MAX_SCAN_CURSOR;
    }),
  o: z.number().int().min(0).max(MAX_BATCH_OFFSET),
  n: z.number().int().min(1).max(100_000),
});
export type KeysCursor = z.infer<typeof keysCursorSchema>;

/**
 * Where a listing read from the library's in-flight index stands: the last
 * member passed and its score (claim time, ms). A position, not an offset, so
 * members that come and go between pages shift nothing.
 */
export const inFlightCursorSchema = z.strictObject({
  s: z.number().finite(),
  m: z.string().min(1).max(1024),
});
export type InFlightCursor = z.infer<typeof inFlightCursorSchema>;

/** A key listing's cursor: a SCAN position, or a position in the in-flight index. */
export const keyListingCursorSchema = z.union([keysCursorSchema, inFlightCursorSchema]);

/** Where a message listing stands: the state it lists (all = none) and the last row's sort key. */
export const messagesCursorSchema = z.strictObject({
  s: z.string().max(32),
  // Empty where the listing walks the key alone (a stripe-keys or custom table).
  at: z.union([z.iso.datetime({ offset: true }), z.literal('')]),
  // A uuid message_id, or the integer id of a stripe-keys or custom table.
  id: z.union([z.guid(), z.string().regex(/^-?\d{1,18}$/)]),
});
export type MessagesCursor = z.infer<typeof messagesCursorSchema>;
