/**
 * Largest request body Next hands the app. With a proxy (proxy.ts) Next
 * buffers bodies and silently cuts them at this size, so the app's own limit
 * (lib/http/body-limit.ts, the same number) must never be larger.
 */
export const REQUEST_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/** The static part of lib/http/security-headers.ts, for responses the proxy never sees (build assets). */
const STATIC_SECURITY_HEADERS = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // ioredis and pg are server-only; keeping them external avoids bundling native-ish code.
  serverExternalPackages: ['ioredis', 'pg', '@prisma/adapter-pg'],
  poweredByHeader: false,
  experimental: { proxyClientMaxBodySize: REQUEST_BODY_LIMIT_BYTES },
  async headers() {
    return [{ source: '/:path*', headers: STATIC_SECURITY_HEADERS }];
  },
};

export default nextConfig;
