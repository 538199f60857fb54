import { defineConfig } from 'prisma/config';

// The CLI is only used for `prisma generate` here (see scripts/prisma-generate.mjs);
// the url matters only where the schema engine exists, e.g. for `prisma migrate deploy`.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/idemscope',
  },
});
