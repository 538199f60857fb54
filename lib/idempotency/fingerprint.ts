import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so that two payloads that
 * differ only in key order get the same fingerprint. Follows JSON.stringify
 * otherwise (toJSON, undefined members dropped, non-finite numbers as null)
 * and throws on cycles and BigInt like it does.
 */
export function stableJson(value: unknown): string {
  return write(value, new Set()) ?? 'null';
}

function write(input: unknown, ancestors: Set<object>): string | undefined {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      throw new TypeError('stableJson cannot serialise a BigInt; convert it to a string first');
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return 'null';
  const node = value as object;
  if (ancestors.has(node)) throw new TypeError('stableJson cannot serialise a circular structure');
  ancestors.add(node);
  try {
    if (Array.isArray(node)) return `[${node.map((item) => write(item, ancestors) ?? 'null').join(',')}]`;
    const members: string[] = [];
    for (const key of Object.keys(node).sort()) {
      const member = write((node as Record<string, unknown>)[key], ancestors);
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(node);
  }
}

/** SHA-256 (hex) of the payload's stable JSON. */
export function fingerprint(payload: unknown): string {
  return createHash('sha256').update(stableJson(payload)).digest('hex');
}
