import type { z } from 'zod';
import { BodyTooLargeError, InvalidParameterError } from '../errors';

/**
 * Reads a JSON body of at most `maxBytes` and validates it; every problem is
 * a 400 whose message starts with the offending field (`keys.3.seen: …`).
 */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S, maxBytes: number): Promise<z.infer<S>> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new BodyTooLargeError(maxBytes);
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) throw new BodyTooLargeError(maxBytes);
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
