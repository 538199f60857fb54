import { readFile } from 'node:fs/promises';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';

// The migrations are hand-written SQL (the schema engine cannot run here), so
// this test is what keeps them and schema.prisma from drifting apart.

interface DmmfField {
  name: string;
  dbName: string | null;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isRequired: boolean;
  isId: boolean;
  isList: boolean;
  nativeType: [string, string[]] | null;
}
interface DmmfModel { name: string; dbName: string | null; fields: DmmfField[]; primaryKey: { fields: string[] } | null }
interface DmmfIndex { model: string; type: 'id' | 'normal' | 'unique' | 'fulltext'; dbName?: string; fields: { name: string }[] }
interface DmmfEnum { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }
interface Dmmf { datamodel: { models: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] } }

const PRISMA_TO_PG: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Float: 'double precision',
};
const NATIVE_TO_PG: Record<string, string> = {
  Uuid: 'uuid',
  Timestamptz: 'timestamp with time zone',
  SmallInt: 'smallint',
  Text: 'text',
};

// A list field (String[]) is an array column of its element's type.
function expectedType(field: DmmfField, enums: DmmfEnum[]): string {
  if (field.isList) return `${expectedType({ ...field, isList: false }, enums)}[]`;
  if (field.kind === 'enum') return enums.find((e) => e.name === field.type)?.dbName ?? field.type;
  if (field.nativeType) {
    const [native, args] = field.nativeType;
    const base = NATIVE_TO_PG[native];
    if (!base) throw new Error(`extend NATIVE_TO_PG for @db.${native}`);
    return native === 'Timestamptz' ? `timestamp(${args[0] ?? 6}) with time zone` : base;
  }
  const base = PRISMA_TO_PG[field.type];
  if (!base) throw new Error(`extend PRISMA_TO_PG for ${field.type}`);
  return base;
}

let db: TestDatabase;
let client: pg.Client;
let dmmf: Dmmf;

beforeAll(async () => {
  db = await createTestDatabase('drift');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const schema = await readFile('prisma/schema.prisma', 'utf8');
  dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: schema }))) as Dmmf;
});

afterAll(async () => {
  await client.end();
  await db.drop();
});

describe('migrated database matches prisma/schema.prisma', () => {
  it('has exactly the tables of the schema', async () => {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'idemscope' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`,
    );
    const expected = dmmf.datamodel.models.map((m) => m.dbName ?? m.name);
    expect(rows.map((r) => r.table_name).sort()).toEqual(expected.sort());
  });

  it('has the enums of the schema', async () => {
    for (const e of dmmf.datamodel.enums) {
      const { rows } = await client.query<{ label: string }>(
        `SELECT e.enumlabel AS label FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = $1 AND t.typnamespace = 'idemscope'::regnamespace ORDER BY e.enumsortorder`,
        [e.dbName ?? e.name],
      );
      expect(rows.map((r) => r.label), e.name).toEqual(e.values.map((v) => v.dbName ?? v.name));
    }
  });

  it('has the same columns, types and nullability', async () => {
    for (const model of dmmf.datamodel.models) {
      const table = model.dbName ?? model.name;
      const { rows } = await client.query<{ column_name: string; type: string; not_null: boolean }>(
        `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
           FROM pg_attribute a
          WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attname`,
        [`idemscope.${table}`],
      );
      const actual = rows.map((r) => ({ column: r.column_name, type: r.type.replace('timestamp with time zone', 'timestamp(6) with time zone'), notNull: r.not_null }));
      const expected = model.fields
        .filter((f) => f.kind !== 'object')
        .map((f) => ({ column: f.dbName ?? f.name, type: expectedType(f, dmmf.datamodel.enums), notNull: f.isRequired }))
        .sort((a, b) => a.column.localeCompare(b.column));
      expect(actual, table).toEqual(expected);
    }
  });

  it('has the same primary keys and indexes', async () => {
    for (const model of dmmf.datamodel.models) {
      const table = model.dbName ?? model.name;
      const columnOf = (name: string) => model.fields.find((f) => f.name === name)?.dbName ?? name;
      const { rows } = await client.query<{ name: string; primary: boolean; unique: boolean; columns: string[] }>(
        `SELECT c.relname AS name, i.indisprimary AS primary, i.indisunique AS unique,
                array_agg(a.attname::text ORDER BY k.ord) AS columns
           FROM pg_index i
           JOIN pg_class c ON c.oid = i.indexrelid
           CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
          WHERE i.indrelid = $1::regclass
          GROUP BY c.relname, i.indisprimary, i.indisunique`,
        [`idemscope.${table}`],
      );
      const actual = rows
        .map((r) => ({ kind: r.primary ? 'id' : r.unique ? 'unique' : 'normal', columns: r.columns, name: r.primary ? undefined : r.name }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      const expected = dmmf.datamodel.indexes
        .filter((i) => i.model === model.name)
        .map((i) => ({ kind: i.type, columns: i.fields.map((f) => columnOf(f.name)), name: i.type === 'id' ? undefined : i.dbName }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      expect(actual, table).toEqual(expected);
    }
  });
});
