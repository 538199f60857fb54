import { z } from 'zod';
import { InvalidParameterError } from '../errors';

/**
 * Parses the query string against a zod shape, one value per name (empty
 * means absent). The first problem becomes a 400 naming the parameter.
 */
export function parseQuery<T extends z.ZodRawShape>(url: URL, shape: T): z.infer<z.ZodObject<T>> {
  const input: Record<string, string> = {};
  for (const name of Object.keys(shape)) {
    const value = url.searchParams.get(name);
    if (value !== null && value !== '') input[name] = value;
  }
  return parseWith(z.object(shape), input);
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InvalidParameterError(String(issue.path[0] ?? 'query'), issue.message);
}

/** A page size: an integer from 1 to `max`. */
export const limitParam = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/** `1`/`true` or `0`/`false`. */
export const flagParam = z
  .enum(['1', '0', 'true', 'false'], { message: 'must be 1, 0, true or false' })
  .optional()
  .transform((v) => v === '1' || v === 'true');

/** An instant: ISO-8601 with offset, or epoch milliseconds. Parsed to epoch ms. */
export const instantParam = z
  .string()
  .transform((v, ctx) => {
    const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms) || (!/^\d+$/.test(v) && !/^\d{4}-\d{2}-\d{2}T/.test(v))) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 timestamp or epoch milliseconds' });
      return z.NEVER;
    }
    return ms;
  });

const NAMED_DURATIONS: Record<string, number> = {
  minute: 60,
  hour: 3600,
  day: 86400,
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '1h': 3600,
  '6h': 21600,
  '1d': 86400,
};

/** A duration in seconds: a positive integer, or minute/hour/day, 1m/5m/15m/1h/6h/1d. */
export const durationParam = z.string().transform((v, ctx) => {
  const seconds = NAMED_DURATIONS[v] ?? (/^\d+$/.test(v) ? Number(v) : NaN);
  if (!Number.isInteger(seconds) || seconds <= 0) {
    ctx.addIssue({ code: 'custom', message: `must be seconds or one of ${Object.keys(NAMED_DURATIONS).join(', ')}` });
    return z.NEVER;
  }
  return seconds;
});
