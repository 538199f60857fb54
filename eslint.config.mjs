import fs from 'node:fs';
import path from 'node:path';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

// What each folder may import is described in docs/architecture.md; this
// file is where it is enforced. Paths are relative to the repository root.

const ROOT = import.meta.dirname;

/** The layers: app/ (pages, route handlers) -> components/ -> lib/. scripts/, bench/, tests/ and e2e/ are tools, not layers. */
const LAYERS = ['app', 'components', 'lib', 'proxy.ts', 'instrumentation.ts'];

// ------------------------------------------------------------ client side

/** What components/ may import from lib/: the client-facing JSON contract and pure formatting. */
const CLIENT_SAFE_LIB = ['lib/contract', 'lib/charts'];

/**
 * Files outside those folders that lib/contract imports, held to the same rule
 * (they may import only client-safe modules); components still import them only
 * through lib/contract.
 */
const CLIENT_SAFE_DEPENDENCIES = [
  // The store, format and state names, next to the pure classifiers; lib/contract/vocabulary.ts re-exports them.
  'lib/records/states.ts',
];

// ------------------------------------------------------------ store drivers

/** Who may import Prisma, pg and the generated client. */
const POSTGRES_HOMES = ['lib/db', 'lib/stores/postgres'];
/** The Prisma client's model delegates and raw-query methods: using one is querying, allowed only in POSTGRES_HOMES. */
const PRISMA_QUERY_MEMBERS = ['auditEntry', 'dashboardSession', 'purgeJob', 'actionClaim', '\\$queryRaw\\w*', '\\$executeRaw\\w*', '\\$transaction'];
/** Who may import a Redis client. */
const REDIS_HOMES = ['lib/stores/redis', 'lib/idempotency/stores', 'lib/simulator'];

// ------------------------------------------------------------ helpers

/**
 * A package's folder as the import resolver reports it. node_modules may be a
 * symlink (git worktrees), and a resolver may answer with either side of it.
 */
function packageDirs(name) {
  const dir = path.join(ROOT, 'node_modules', name);
  const real = fs.existsSync(dir) ? fs.realpathSync(dir) : dir;
  return real === dir ? [dir] : [dir, real];
}

/**
 * Zone targets for "every server-side layer file except these folders and
 * files": app/, proxy.ts and lib/ (components/ get a stricter rule by name).
 * no-restricted-paths can except imported paths but not importing ones, so the
 * excepted ones are cut out of lib/ with extglobs: `lib/!(db|stores)`,
 * `lib/!(db|stores)/**`, then `lib/stores/!(postgres)`, … Paths must be under lib/.
 */
function layerFilesExcept(excepted) {
  const cut = (dir, rests) => {
    const heads = new Map();
    for (const rest of rests) {
      const [head, ...tail] = rest.split('/');
      if (!/^[\w.-]+$/.test(head)) throw new Error(`eslint.config.mjs: cannot cut ${dir}/${rest} out of a zone`);
      heads.set(head, [...(heads.get(head) ?? []), tail.join('/')]);
    }
    const others = `!(${[...heads.keys()].join('|')})`;
    const globs = [`${dir}/${others}`, `${dir}/${others}/**`];
    for (const [head, tails] of heads) if (!tails.includes('')) globs.push(...cut(`${dir}/${head}`, tails));
    return globs;
  };
  const underLib = excepted.map((p) => {
    if (!p.startsWith('lib/')) throw new Error(`eslint.config.mjs: ${p} is not under lib/`);
    return p.slice('lib/'.length);
  });
  return ['app', 'proxy.ts', ...cut('lib', underLib)];
}

const relativeTo = (base) => (p) => `./${path.posix.relative(base, p)}`;

// ------------------------------------------------------------ the zones

const zones = [
  // Layers import downward only. Resolved paths, so `@/…` and `../…` are the same import.
  { target: 'lib', from: ['app', 'components'], message: 'lib/ is the bottom layer: it may not import app/ or components/.' },
  { target: 'components', from: 'app', message: 'components/ may not import app/: imports go app/ -> components/ -> lib/.' },
  // Not even through next: lib/ stays usable from plain Node (scripts, benchmarks, the simulator).
  { target: 'lib', from: packageDirs('next'), message: 'lib/ may not import Next; route handlers in app/ adapt lib/ to Next.' },

  // Client side: components reach the browser, so from lib/ they get the JSON contract and pure formatting only.
  {
    target: 'components',
    from: 'lib',
    except: CLIENT_SAFE_LIB.map(relativeTo('lib')),
    message: 'components/ may import from lib/ only lib/contract (the JSON types) and lib/charts (pure formatting).',
  },
  // …and what they may import stays client-safe itself.
  {
    target: [...CLIENT_SAFE_LIB, ...CLIENT_SAFE_DEPENDENCIES],
    from: 'lib',
    except: [...CLIENT_SAFE_LIB, ...CLIENT_SAFE_DEPENDENCIES].map(relativeTo('lib')),
    message: 'lib/contract and lib/charts are imported by browser code: they may import only each other and CLIENT_SAFE_DEPENDENCIES.',
  },

  // Prisma in one place.
  {
    target: layerFilesExcept(POSTGRES_HOMES),
    from: [...packageDirs('@prisma'), ...packageDirs('pg'), 'lib/db/generated'],
    message: 'Prisma, pg and the generated client are imported only in lib/db and lib/stores/postgres.',
  },
  // Redis clients in their homes.
  {
    target: layerFilesExcept(REDIS_HOMES),
    from: [...packageDirs('redis'), ...packageDirs('@redis'), ...packageDirs('ioredis')],
    message: 'Redis clients are imported only in lib/stores/redis, lib/idempotency/stores and lib/simulator.',
  },

  // The processor library runs in plain Node services: nothing of the app, nothing of React or Next.
  {
    target: 'lib/idempotency',
    from: 'lib',
    except: ['./idempotency'],
    message: 'lib/idempotency is a standalone library: it may not import other lib/ folders.',
  },
  {
    target: 'lib/idempotency',
    from: [...packageDirs('next'), ...packageDirs('react'), ...packageDirs('react-dom')],
    message: 'lib/idempotency is a standalone library: it may not import Next or React.',
  },
];

// The import resolver eslint-config-next registers, pointed at this tsconfig so
// that `@/…` resolves the same whatever the working directory.
const nextResolvers = nextVitals.find((c) => c.settings?.['import/resolver'])?.settings['import/resolver'] ?? {};
const resolvers = Object.fromEntries(
  Object.entries(nextResolvers).map(([name, options]) =>
    name.includes('eslint-import-resolver-typescript') ? [name, { ...options, project: path.join(ROOT, 'tsconfig.json') }] : [name, options],
  ),
);
if (!Object.keys(resolvers).some((name) => name.includes('eslint-import-resolver-typescript'))) {
  throw new Error('eslint.config.mjs: eslint-config-next no longer registers eslint-import-resolver-typescript; `@/…` imports would go unchecked');
}

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ['.next/**', 'node_modules/**', 'lib/db/generated/**', 'test-results/**', 'playwright-report/**', '.stryker-tmp/**', 'reports/**'] },
  {
    settings: {
      'import/resolver': resolvers,
      // Modules the import rules never parse: packages and the generated Prisma client cannot import our code, so no
      // cycle runs through them, and parsing them (recharts' ESM build alone is hundreds of files) made no-cycle slow.
      'import/ignore': ['[\\\\/]node_modules[\\\\/]', '[\\\\/]lib[\\\\/]db[\\\\/]generated[\\\\/]'],
    },
  },
  {
    files: LAYERS.map((layer) => (layer.endsWith('.ts') ? layer : `${layer}/**`)),
    rules: {
      'import/no-restricted-paths': ['error', { basePath: ROOT, zones }],
      // Type-only imports are ignored: they do not exist at run time.
      'import/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // The import rules see only imports; the Database handle passed around elsewhere must not be used to query.
    files: LAYERS.map((layer) => (layer.endsWith('.ts') ? layer : `${layer}/**`)),
    ignores: POSTGRES_HOMES.map((home) => `${home}/**`),
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `MemberExpression[property.name=/^(${PRISMA_QUERY_MEMBERS.join('|')})$/]`,
          message: 'Queries of our own database live in lib/stores/postgres; elsewhere the Database handle is only passed on.',
        },
      ],
    },
  },
  {
    // By name, so that a driver is refused in browser code even when it is not installed (and so cannot be resolved).
    files: ['components/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(ioredis|redis|@redis/.+|pg|pg-.+|@prisma/.+)(/.*)?$',
              message: 'components/ run in the browser: no database or Redis driver.',
            },
          ],
        },
      ],
    },
  },
];

export default config;
