import { StorePrivilegeError } from '../../errors';
import { query, type Db } from './db';
import { raw, sql } from './sql';
import type { TableRef, WatchedTable } from './tables';

type Privilege = 'DELETE' | 'UPDATE' | 'INSERT';

/** What an operator's release writes on a table of each profile (the library's also counts it in its delivery counters). */
function releaseNeeds(table: WatchedTable): [TableRef, Privilege][] {
  if (table.profile === 'stripe-keys') return [[table, 'UPDATE']];
  const needs: [TableRef, Privilege][] = [[table, 'DELETE']];
  if (table.profile === 'library' && table.stats) needs.push([table.stats, 'INSERT'], [table.stats, 'UPDATE']);
  return needs;
}

async function assertPrivileges(db: Db, needs: [TableRef, Privilege][]): Promise<void> {
  const missing: string[] = [];
  for (const [table, privilege] of needs) {
    // Quoted, so that the name is read exactly as watched (names are checked identifiers, without quotes or dots).
    const quoted = table.name.split('.').map((part) => `"${part}"`).join('.');
    const [row] = await query<{ ok: boolean }>(db, sql`SELECT has_table_privilege(${quoted}, ${privilege}) AS ok`);
    if (!row?.ok) missing.push(`${privilege} on ${table.name}`);
  }
  if (missing.length) throw new StorePrivilegeError('postgres', missing);
}

/** Refuses a release the dashboard's role could not carry out, before it writes anything. */
export function assertMayRelease(db: Db, table: WatchedTable): Promise<void> {
  return assertPrivileges(db, releaseNeeds(table));
}

/** Refuses batched DELETEs in the named partitions (the purge deletes from each directly), before anything runs. */
export function assertMayPurgePartitions(db: Db, names: string[]): Promise<void> {
  return assertPrivileges(
    db,
    names.map((name) => [{ name, sql: raw(name) }, 'DELETE'] as [TableRef, Privilege]),
  );
}

/** Refuses a purge (batched DELETEs) the dashboard's role could not carry out, before the job starts. */
export function assertMayPurge(db: Db, table: WatchedTable): Promise<void> {
  return assertPrivileges(db, [[table, 'DELETE']]);
}
