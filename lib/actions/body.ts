import type { z } from 'zod';
import { BodyTooLargeError, InvalidParameterError } from '../errors';
import { REQUEST_BODY_LIMIT_BYTES } from '../http/body-limit';

/**
 * Reads a JSON body of at most `maxBytes` and validates it; every problem is
 * a 400 whose message starts with the offending field (`keys.3.seen: …`).
 */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S, maxBytes: number): Promise<z.infer<S>> {
  const limit = Math.min(maxBytes, REQUEST_BODY_LIMIT_BYTES - 1);
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > limit) throw new BodyTooLargeError(limit);
  const text = await request.text();
  // At Next's own limit the body was cut short by Next, not sent that way.
  if (Buffer.byteLength(text) > limit) throw new BodyTooLargeError(limit);
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new InvalidParameterError('body', 'is not valid JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const path = [...issue.path, ...(unknownKey ? [unknownKey] : [])].map(String).join('.');
    throw new InvalidParameterError(path || 'body', unknownKey ? 'is not a known field' : issue.message);
  }
  return parsed.data;
}
