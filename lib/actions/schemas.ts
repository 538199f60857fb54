import { z } from 'zod';
import { storableText } from '../http/text';

/** A previewed target sent back with the confirmation: the key and its opaque `seen`. */
export const seenTarget = z.strictObject({
  key: storableText(1024).min(1),
  seen: z.string().regex(/^[0-9a-f]{32,40}$/, 'must be the `seen` value the preview returned'),
});

const reason = storableText(500).trim().min(1, 'must not be empty');

/** A watched Postgres table, `schema.table` (plain lower-case identifiers); default the first in IDEMSCOPE_TABLES. */
export const tableName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}\.[a-z_][a-z0-9_]{0,62}$/, 'must be schema.table, one of IDEMSCOPE_TABLES');

/**
 * POST /api/v1/keys/release and /api/v1/messages/release. Either `keys`
 * (plain keys, or `{key, seen}` items from a preview) or `olderThanSeconds`.
 */
export const releaseBody = z
  .strictObject({
    keys: z.array(z.union([storableText(1024).min(1), seenTarget])).min(1).optional(),
    olderThanSeconds: z.number().int().min(0).max(315_360_000).optional(),
    dryRun: z.boolean().default(false),
    reason: reason.optional(),
    actionId: z.uuid().optional(),
    table: tableName.optional(),
  })
  .refine((b) => (b.keys === undefined) !== (b.olderThanSeconds === undefined), {
    message: 'send either keys or olderThanSeconds, not both or neither',
    path: ['keys'],
  });
export type ReleaseBody = z.infer<typeof releaseBody>;

export const purgeBody = z.discriminatedUnion('store', [
  z.strictObject({
    store: z.literal('postgres'),
    dryRun: z.boolean().default(false),
    reason: reason.optional(),
    actionId: z.uuid().optional(),
    table: tableName.optional(),
  }),
  z.strictObject({
    store: z.literal('redis'),
    dryRun: z.boolean().default(false),
    /** expire: give each key the retention as TTL; delete: remove it. */
    mode: z.enum(['expire', 'delete']).optional(),
    keys: z.array(seenTarget).min(1).optional(),
    reason: reason.optional(),
    actionId: z.uuid().optional(),
  }),
]);
export type PurgeBody = z.infer<typeof purgeBody>;

/** POST /api/v1/purge/<jobId>/cancel and /resume. */
export const jobActionBody = z.strictObject({ actionId: z.uuid().optional() });

export const jobIdParam = z.uuid();
