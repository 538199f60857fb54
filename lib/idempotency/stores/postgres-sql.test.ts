import { describe, expect, it } from 'vitest';
import { completeSql, releaseSql, type StoreTables } from './postgres-sql';

/**
 * What the statements' text decides and the store tests on real Postgres
 * cannot see in their results: whether a commit waits for the WAL flush, and
 * whether a statement names the partition key (without it the row is still
 * found by its id, in every partition).
 */
const plain: StoreTables = { table: 'processed_messages', stats: 'delivery_stats', partitionedBy: null };
const partitioned: StoreTables = { table: 'part.processed_messages', stats: 'part.delivery_stats', partitionedBy: '"message_time"' };
const NO_FLUSH_WAIT = "set_config('synchronous_commit', 'off', true)";

describe('the completion and release statements', () => {
  it('wait for the WAL flush at commit unless durable completion is off, and then turn it off for themselves only', () => {
    for (const build of [completeSql, releaseSql]) {
      expect(build(plain, true)).not.toContain('synchronous_commit');
      expect(build(plain, false)).toContain(NO_FLUSH_WAIT);
    }
  });

  it('name the message time on a partitioned table, so that each reaches one partition, and nothing of it on a plain one', () => {
    expect(completeSql(partitioned, true)).toMatch(/AND pm\."message_time" = b\.message_time\s+RETURNING/);
    expect(releaseSql(partitioned, true)).toContain('AND "message_time" = $4::timestamptz');
    for (const build of [completeSql, releaseSql]) expect(build(plain, true)).not.toContain('message_time');
  });
});
