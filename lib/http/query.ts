import { z } from 'zod';
import { InvalidParameterError } from '../errors';
import { storableText } from './text';

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

/** The latest instant a parameter may name: the end of year 9999, which every store and Date can hold. */
export const MAX_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** An instant: ISO-8601 with offset, or epoch milliseconds, from 1970 to 9999. Parsed to epoch ms. */
export const instantParam = z
  .string()
  .transform((v, ctx) => {
    const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms) || (!/^\d+$/.test(v) && !/^\d{4}-\d{2}-\d{2}T/.test(v))) {
      ctx.addIssue('must be an ISO-8601 timestamp or epoch milliseconds');
      return z.NEVER;
    }
    if (ms < 0 || ms > MAX_INSTANT_MS) {
      ctx.addIssue('must lie between 1970 and the end of 9999');
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

/** The longest duration a parameter may name: a year, longer than any counter or record is kept. */
export const MAX_DURATION_SECONDS = 366 * 86_400;

/** A duration in seconds: a positive integer up to a year, or minute/hour/day, 1m/5m/15m/1h/6h/1d. */
export const durationParam = z.string().transform((v, ctx) => {
  const seconds = Object.hasOwn(NAMED_DURATIONS, v) ? NAMED_DURATIONS[v]! : /^\d{1,12}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(seconds) || seconds <= 0) {
    ctx.addIssue(`must be seconds or one of ${Object.keys(NAMED_DURATIONS).join(', ')}`);
    return z.NEVER;
  }
  if (seconds > MAX_DURATION_SECONDS) {
    ctx.addIssue(`must be at most ${MAX_DURATION_SECONDS} s (a year)`);
    return z.NEVER;
  }
  return seconds;
});

/** A bigint id as a decimal string that PostgreSQL's bigint can hold. */
export const bigintIdParam = (message: string) =>
  z.string().refine((v) => /^\d{1,19}$/.test(v) && BigInt(v) <= 9_223_372_036_854_775_807n, message);

/**
 * A `from`/`to` pair read from the query: instants, `to` after `from`, at most
 * `maxSeconds` apart. `defaults` fills a missing end (`to` = now, `from` =
 * `to` minus a span) before the checks, so a lone `from` a year back is as
 * much a 400 naming `from` as a pair that is too long.
 */
export function parseRange(
  url: URL,
  maxSeconds: number,
  defaults?: { nowMs: number; spanMs: number },
): { fromMs?: number; toMs?: number } {
  const raw = parseQuery(url, { from: instantParam.optional(), to: instantParam.optional() });
  const toMs = raw.to ?? defaults?.nowMs;
  const fromMs = raw.from ?? (defaults ? toMs! - defaults.spanMs : undefined);
  return parseWith(rangeSchema(maxSeconds), { fromMs, toMs });
}

/** Where each end's problem is named: an inverted pair is `to`'s fault, a too-long one `from`'s. */
export const rangeSchema = (maxSeconds: number) =>
  z.object({ fromMs: z.number().optional(), toMs: z.number().optional() }).superRefine((r, ctx) => {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: with an end missing, both comparisons below are false (NaN) anyway; the return says so plainly
    if (r.fromMs === undefined || r.toMs === undefined) return;
    if (r.toMs <= r.fromMs) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (r.toMs - r.fromMs > maxSeconds * 1000)
      ctx.addIssue({ code: 'custom', path: ['from'], message: `the range may span at most ${maxSeconds / 86_400} days` });
  });

/** A listing's time window (`from`, `to`, `time`), or undefined when neither end is given. */
export function parseListingWindow(url: URL): { fromMs?: number; toMs?: number; on: 'recorded' | 'expires' } | undefined {
  const { time } = parseQuery(url, { time: z.enum(['recorded', 'expires']).default('recorded') });
  const { fromMs, toMs } = parseRange(url, MAX_DURATION_SECONDS);
  return fromMs === undefined && toMs === undefined ? undefined : { fromMs, toMs, on: time };
}

/** A listing's key search (`search`, `match=prefix|substring`, default substring), or undefined without `search`. */
export function parseKeySearch(url: URL): { text: string; mode: 'prefix' | 'substring' } | undefined {
  const { search, match } = parseQuery(url, {
    search: storableText(512).optional(),
    match: z.enum(['prefix', 'substring']).default('substring'),
  });
  return search === undefined ? undefined : { text: search, mode: match };
}
