import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The import rules of eslint.config.mjs (docs/architecture.md), tried on
// planted code: each must refuse what it is for and let the allowed through.

const ROOT = path.resolve(import.meta.dirname, '../..');
const RESTRICTED = 'import/no-restricted-paths';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/**
 * Errors (rule: message) ESLint reports for `code` as the file `file`. A file
 * that does not exist is written for the duration (with any missing folders):
 * the resolver finds nothing from a folder that is not there, and a zone that
 * resolves nothing reports nothing, so linting a phantom path would pass vacuously.
 */
async function errorsIn(file: string, code: string): Promise<string[]> {
  const full = path.join(ROOT, file);
  let result: ESLint.LintResult | undefined;
  if (fs.existsSync(full)) {
    [result] = await eslint.lintText(code, { filePath: full });
  } else {
    let created = path.dirname(full);
    while (!fs.existsSync(path.dirname(created))) created = path.dirname(created);
    const createdFolder = !fs.existsSync(created);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, code);
    try {
      [result] = await eslint.lintFiles([full]);
    } finally {
      fs.rmSync(createdFolder ? created : full, { recursive: true, force: true });
    }
  }
  return result!.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

const PLANTED_COMPONENT = 'components/Planted.tsx';

describe('components/ (browser code)', () => {
  it.each(["import { prisma } from '@/lib/db/prisma';", "import { prisma } from '../lib/db/prisma';"])(
    'may not import the Prisma client: %s',
    async (line) => {
      const errors = await errorsIn(PLANTED_COMPONENT, `${line}\nexport const planted = prisma;\n`);
      expect(errors).toEqual([expect.stringContaining(`${RESTRICTED}: Unexpected path`)]);
      expect(errors[0]).toContain('components/ may import from lib/ only lib/contract');
    },
  );

  it.each(["import { Redis } from 'ioredis';\nexport const planted = Redis;", "import { createClient } from 'redis';\nexport const planted = createClient;"])(
    'may not import a Redis client: %s',
    async (code) => {
      // By name: ioredis is no longer installed, so no resolved-path rule could see it.
      expect(await errorsIn(PLANTED_COMPONENT, `${code}\n`)).toEqual([expect.stringMatching(/^no-restricted-imports: .*no database or Redis driver/)]);
    },
  );

  it('may not import other server code from lib/', async () => {
    const errors = await errorsIn(PLANTED_COMPONENT, "import { getOverview } from '@/lib/dashboard/overview';\nexport const planted = getOverview;\n");
    expect(errors).toEqual([expect.stringContaining(RESTRICTED)]);
  });

  it('may not import app/', async () => {
    const errors = await errorsIn(PLANTED_COMPONENT, "import Page from '../app/page';\nexport const planted = Page;\n");
    expect(errors).toEqual([expect.stringContaining('components/ may not import app/')]);
  });

  it('may import the contract and pure formatting from lib/', async () => {
    const code = [
      "import { formatCount } from '@/lib/charts/format';",
      "import { duplicateRateSeries } from '../lib/charts/duplicateRateSeries';",
      "import type { StoreName } from '@/lib/contract/vocabulary';",
      "import { STORES } from '../lib/contract/vocabulary';",
      'export const planted = (store: StoreName) => [formatCount(1), duplicateRateSeries, store, STORES];',
      '',
    ].join('\n');
    expect(await errorsIn(PLANTED_COMPONENT, code)).toEqual([]);
  });

  it('may not reach past lib/contract into what it re-exports', async () => {
    const errors = await errorsIn(PLANTED_COMPONENT, "import { STORES } from '@/lib/records/states';\nexport const planted = STORES;\n");
    expect(errors).toEqual([expect.stringContaining('components/ may import from lib/ only lib/contract')]);
  });
});

describe('lib/contract and lib/charts (imported by browser code)', () => {
  it('may not import server code', async () => {
    const errors = await errorsIn('lib/contract/planted.ts', "import { env } from '../config/env';\nexport const planted = env;\n");
    expect(errors).toEqual([expect.stringContaining('lib/contract and lib/charts are imported by browser code')]);
  });
});

describe('lib/', () => {
  it.each(["import { Panel } from '@/components/ui/Panel';", "import { Panel } from '../components/ui/Panel';"])('may not import components/: %s', async (line) => {
    const errors = await errorsIn('lib/planted.ts', `${line}\nexport const planted = Panel;\n`);
    expect(errors).toEqual([expect.stringContaining('lib/ is the bottom layer')]);
  });

  it('may not import Next', async () => {
    expect(await errorsIn('lib/http/planted.ts', "import { NextResponse } from 'next/server';\nexport const planted = NextResponse;\n")).toEqual([
      expect.stringContaining('lib/ may not import Next'),
    ]);
  });

  it('imports Prisma and pg only in lib/db and lib/stores/postgres', async () => {
    const prismaClient = "import { PrismaPg } from '@prisma/adapter-pg';\nexport const planted = PrismaPg;\n";
    const generated = "import { Prisma } from '../db/generated/client';\nexport const planted = Prisma;\n";
    expect(await errorsIn('lib/db/planted.ts', prismaClient)).toEqual([]);
    expect(await errorsIn('lib/stores/postgres/planted.ts', "import pg from 'pg';\nexport const planted = pg;\n")).toEqual([]);
    expect(await errorsIn('lib/dashboard/planted.ts', prismaClient)).toEqual([expect.stringContaining('Prisma, pg and the generated client')]);
    expect(await errorsIn('lib/audit/planted.ts', generated)).toEqual([expect.stringContaining('Prisma, pg and the generated client')]);
    expect(await errorsIn('app/api/planted/route.ts', "import pg from 'pg';\nexport const planted = pg;\n")).toEqual([expect.stringContaining('Prisma, pg')]);
  });

  it('imports Redis clients only in their homes', async () => {
    const redis = "import { createClient } from 'redis';\nexport const planted = createClient;\n";
    for (const home of ['lib/stores/redis', 'lib/idempotency/stores', 'lib/simulator']) {
      expect(await errorsIn(`${home}/planted.ts`, redis), home).toEqual([]);
    }
    expect(await errorsIn('lib/dashboard/planted.ts', redis)).toEqual([expect.stringContaining('Redis clients are imported only in')]);
    expect(await errorsIn('app/api/planted/route.ts', redis)).toEqual([expect.stringContaining('Redis clients are imported only in')]);
  });

  it('refuses Prisma in the use cases, which reach Idemscope\'s database through lib/db\'s type only', async () => {
    const prisma = "import { Prisma } from '../db/generated/client';\nexport const planted = Prisma;\n";
    expect(await errorsIn('lib/actions/planted.ts', prisma)).toEqual([expect.stringContaining('Prisma, pg and the generated client')]);
    expect(await errorsIn('lib/actions/planted.ts', "import type { Database } from '../db/prisma';\nexport type Planted = Database;\n")).toEqual([]);
  });

  it('queries Idemscope\'s own database only in lib/stores/postgres: the Database handle is passed on elsewhere', async () => {
    const handle = "import type { Database } from '../db/prisma';\n";
    const queries = [
      'export const planted = (db: Database) => db.auditEntry.findMany({});',
      'export const planted = (db: Database) => db.dashboardSession.deleteMany({});',
      'export const planted = (db: Database) => db.$queryRawUnsafe(\'select 1\');',
      'export const planted = (db: Database) => db.$transaction([]);',
    ];
    for (const query of queries) {
      expect(await errorsIn('lib/auth/planted.ts', `${handle}${query}\n`), query).toEqual([expect.stringContaining('no-restricted-syntax: Queries of our own database live in lib/stores/postgres')]);
      expect(await errorsIn('lib/stores/postgres/planted.ts', `import type { Database } from '../../db/prisma';\n${query}\n`), query).toEqual([]);
    }
    expect(await errorsIn('lib/auth/planted.ts', `${handle}export const planted = (db: Database, f: (d: Database) => void) => f(db);\n`)).toEqual([]);
  });

  it('keeps the processor library standalone', async () => {
    const file = 'lib/idempotency/planted.ts';
    expect(await errorsIn(file, "import { env } from '@/lib/config/env';\nexport const planted = env;\n")).toEqual([
      expect.stringContaining('lib/idempotency is a standalone library'),
    ]);
    expect(await errorsIn(file, "import { useState } from 'react';\nexport const planted = useState;\n")).toEqual([
      expect.stringContaining('may not import Next or React'),
    ]);
    expect(await errorsIn(file, "import { StoreError } from './errors';\nexport const planted = StoreError;\n")).toEqual([]);
  });
});

describe('import cycles', () => {
  const dir = path.join(ROOT, 'lib', `__cycle_${process.pid}__`);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are errors between two lib files', async () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b';\nexport const a = () => b();\n");
    fs.writeFileSync(path.join(dir, 'b.ts'), "import { a } from './a';\nexport const b = () => a;\n");
    const [result] = await eslint.lintFiles([path.join(dir, 'a.ts')]);
    expect(result!.messages.map((m) => m.ruleId)).toEqual(['import/no-cycle']);
  });

  it('ignore a type-only import back', async () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'c.ts'), "import { d } from './d';\nexport type C = string;\nexport const c = d;\n");
    fs.writeFileSync(path.join(dir, 'd.ts'), "import type { C } from './c';\nexport const d: C = 'd';\n");
    const [result] = await eslint.lintFiles([path.join(dir, 'c.ts')]);
    expect(result!.messages).toEqual([]);
  });
});

// ------------------------------------------------------------ server-only

/** Relative and `@/` imports that stay at run time (`import type` is erased), resolved to files. */
function runtimeImports(file: string): string[] {
  const source = fs.readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/^(?:import|export)(?!\s+type\s)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
  return specifiers.flatMap((specifier) => {
    const base = specifier.startsWith('@/') ? path.join(ROOT, specifier.slice(2)) : specifier.startsWith('.') ? path.resolve(path.dirname(file), specifier) : null;
    if (!base) return [];
    const found = ['', '.ts', '.tsx', '/index.ts'].map((ext) => base + ext).find((p) => fs.existsSync(p) && fs.statSync(p).isFile());
    return found ? [found] : [];
  });
}

/** The first import chain from `entry` to a module that imports 'server-only', if any. */
function chainToServerOnly(entry: string): string[] | null {
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]): string[] | null => {
    if (seen.has(file)) return null;
    seen.add(file);
    const here = [...chain, path.relative(ROOT, file)];
    if (/^import 'server-only';$/m.test(fs.readFileSync(file, 'utf8'))) return here;
    for (const next of runtimeImports(file)) {
      const found = walk(next, here);
      if (found) return found;
    }
    return null;
  };
  return walk(entry, []);
}

const filesIn = (dir: string, pattern: RegExp): string[] =>
  fs.existsSync(path.join(ROOT, dir))
    ? fs
        .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => pattern.test(f))
        .map((f) => path.join(ROOT, dir, f))
    : [];

describe('server-only markers', () => {
  it('mark the modules that hold the connections and the session secret', () => {
    for (const file of ['lib/db/prisma.ts', 'lib/stores/redis/connection.ts', 'lib/dashboard/context.ts', 'lib/actions/app.ts', 'lib/auth/session.ts']) {
      expect(fs.readFileSync(path.join(ROOT, file), 'utf8'), file).toMatch(/^import 'server-only';$/m);
    }
  });

  it('are not reached by code that plain Node runs (scripts, Playwright, test fixtures run as child processes)', () => {
    const entries = [...filesIn('scripts', /\.ts$/), ...filesIn('e2e', /\.ts$/), ...filesIn('tests', /[/\\]fixtures[/\\].*\.ts$/)];
    expect(entries.length).toBeGreaterThan(3);
    const reached = entries.map(chainToServerOnly).filter((chain) => chain !== null);
    expect(reached).toEqual([]);
  });

  it('are reached by the benchmarks, which therefore run with --conditions=react-server', () => {
    const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
    expect(chainToServerOnly(path.join(ROOT, 'bench/dashboard.ts'))).not.toBeNull();
    for (const [name, command] of Object.entries(scripts).filter(([, command]) => /\bbench\//.test(command))) {
      expect(command, name).toMatch(/^tsx --conditions=react-server bench\//);
    }
  });
});
