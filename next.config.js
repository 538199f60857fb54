/** @type {import('next').NextConfig} */
const nextConfig = {
  // ioredis and pg are server-only; keeping them external avoids bundling native-ish code.
  serverExternalPackages: ['ioredis', 'pg', '@prisma/adapter-pg'],
  poweredByHeader: false,
};

export default nextConfig;
