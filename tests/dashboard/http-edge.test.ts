import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUEST_BODY_LIMIT_BYTES } from '../../lib/http/body-limit';
import { allowedMethods, API_ROUTES, badPathSegment } from '../../lib/http/routes';
import { SECURITY_HEADERS } from '../../lib/http/security-headers';

const API_DIR = path.resolve(__dirname, '../../app/api');
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

async function routeFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await routeFiles(full)));
    else if (entry.name === 'route.ts') found.push(full);
  }
  return found;
}

describe('the route table the proxy answers 405 from', () => {
  it('lists every API route file, with the methods it serves', async () => {
    const files = await routeFiles(API_DIR);
    const fromFiles = files.map((f) => `/api/${path.relative(API_DIR, path.dirname(f)).split(path.sep).join('/')}`).sort();
    expect(API_ROUTES.map((r) => r.path).sort()).toEqual(fromFiles);
    for (const file of files) {
      const route = API_ROUTES.find((r) => r.path === `/api/${path.relative(API_DIR, path.dirname(file)).split(path.sep).join('/')}`)!;
      const exported = Object.keys(await import(file)).filter((name) => METHODS.includes(name));
      // A POST route also exports GET, only to answer it with the app's own 405.
      const served = route.methods.includes('POST') ? exported.filter((m) => m !== 'GET') : exported;
      expect(served.sort(), route.path).toEqual([...route.methods].sort());
    }
  });

  it('matches static segments before dynamic ones, as Next does', () => {
    expect(allowedMethods('/api/v1/keys/release')).toEqual(['POST']);
    expect(allowedMethods('/api/v1/keys/idempotency:order-1')).toEqual(['GET', 'HEAD']);
    expect(allowedMethods('/api/v1/purge/jobs')).toEqual(['GET', 'HEAD']);
    expect(allowedMethods('/api/v1/nothing/here')).toBeNull();
    expect(allowedMethods('/explorer/redis/x')).toEqual(['GET', 'HEAD']);
  });

  it('finds malformed percent-encoding and NUL in any segment', () => {
    expect(badPathSegment('/api/v1/keys/idempotency:%ff')).toBe('idempotency:%ff');
    expect(badPathSegment('/api/v1/purge/%ff/cancel')).toBe('%ff');
    expect(badPathSegment('/x/%E2%9C')).toBe('%E2%9C');
    expect(badPathSegment('/x/a%00b')).toBe('a%00b');
    expect(badPathSegment('/x/%E2%9C%93/%25ff')).toBeNull();
  });
});

interface NextConfigModule {
  REQUEST_BODY_LIMIT_BYTES: number;
  default: { experimental: { proxyClientMaxBodySize: number }; headers: () => Promise<{ source: string; headers: { key: string; value: string }[] }[]> };
}
// A plain JS module without types: imported by path so that the type checker does not ask for a declaration.
const NEXT_CONFIG = path.resolve(__dirname, '../../next.config.js');

describe('next.config.js', () => {
  it("lets Next's proxy buffer exactly the body size the app reads", async () => {
    const { REQUEST_BODY_LIMIT_BYTES: NEXT_LIMIT, default: nextConfig } = (await import(NEXT_CONFIG)) as NextConfigModule;
    expect(NEXT_LIMIT).toBe(REQUEST_BODY_LIMIT_BYTES);
    expect(nextConfig.experimental.proxyClientMaxBodySize).toBe(REQUEST_BODY_LIMIT_BYTES);
  });

  it('sends the static security headers on every path, build assets included', async () => {
    const { default: nextConfig } = (await import(NEXT_CONFIG)) as NextConfigModule;
    const rules = await nextConfig.headers();
    expect(rules).toHaveLength(1);
    expect(rules[0]!.source).toBe('/:path*');
    expect(Object.fromEntries(rules[0]!.headers.map((h) => [h.key, h.value]))).toEqual(SECURITY_HEADERS);
  });
});
