import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelJobAction, jobById, purgeAction, recentJobs, resumeJobAction } from '../../lib/actions/purge-action';
import { purgeBody } from '../../lib/actions/schemas';
import { listAudit } from '../../lib/audit/audit-log';
import type { PostgresPurgePreview, PostgresPurgeStarted } from '../../lib/contract/actions';
import { InvalidParameterError, JobNotFoundError, JobStateError } from '../../lib/errors';
import { purgeRunSettled } from '../../lib/stores/postgres/purge-jobs';
import { actionFixture, operator, type ActionFixture } from './setup';

let f: ActionFixture;
beforeAll(async () => {
  f = await actionFixture('pg_purge_action', { purgeBatchSize: 100 });
});
afterAll(() => f.close());

const entriesOf = async (actionId: string) => (await listAudit(f.db, {}, 200)).items.filter((e) => e.actionId === actionId).reverse();
const finishedOf = async (jobId: string) =>
  (await listAudit(f.db, {}, 200)).items.filter((e) => e.action === 'purge.postgres.finished' && (e.parameters as { jobId?: string }).jobId === jobId);

/** `expired` rows past the 72 h retention, and one recent row that no purge may take. */
async function seed(expired: number): Promise<void> {
  await f.db.$executeRawUnsafe(`DELETE FROM processed_messages`);
  await f.db.$executeRawUnsafe(
    `INSERT INTO processed_messages (message_id, consumer, status, processed_at, expires_at)
     SELECT gen_random_uuid(), 'expired', 'completed', now() - interval '1 day', now() - interval '1 minute' FROM generate_series(1, $1)`,
    expired,
  );
  await f.db.$executeRawUnsafe(`INSERT INTO processed_messages (message_id, consumer, status, processed_at) VALUES (gen_random_uuid(), 'keep', 'completed', now())`);
}
const rows = async () => Number((await f.db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM processed_messages`))[0]!.n);

/** A job whose process died mid-run: running, with a heartbeat long gone. */
async function interruptedJob(): Promise<string> {
  const id = randomUUID();
  await f.db.$executeRawUnsafe(
    `INSERT INTO idemscope.purge_jobs (id, status, actor, batch_size, runner, heartbeat_at, target_table)
     VALUES ($1::uuid, 'running', 'operator#x', 100, 'gone:1:dead', now() - interval '5 minutes', 'public.processed_messages')`,
    id,
  );
  return id;
}

describe('Postgres purge through the action service', () => {
  it('a dry run counts what would be purged and never writes: no row deleted, no job, no audit entry', async () => {
    await seed(250);
    const actionId = randomUUID();
    const jobsBefore = (await recentJobs(f, 50)).length;
    const outcome = await purgeAction(f, operator, purgeBody.parse({ store: 'postgres', dryRun: true, actionId, table: 'public.processed_messages' }));
    expect(outcome.dryRun).toBe(true);
    const preview = (outcome as { preview: PostgresPurgePreview }).preview;
    expect(preview).toMatchObject({ dryRun: true, store: 'postgres', table: 'public.processed_messages', wouldPurge: 250 });
    expect(await rows()).toBe(251);
    expect(await recentJobs(f, 50)).toHaveLength(jobsBefore);
    expect(await entriesOf(actionId)).toEqual([]);
  });

  it('a dry run previews the table it names, not the first watched one', async () => {
    await expect(purgeAction(f, operator, purgeBody.parse({ store: 'postgres', dryRun: true, table: 'public.not_watched' }))).rejects.toThrow(/table/);
  });

  it('a purge without a reason is refused and leaves no job and no audit entry', async () => {
    const actionId = randomUUID();
    const jobsBefore = (await recentJobs(f, 50)).length;
    await expect(purgeAction(f, operator, purgeBody.parse({ store: 'postgres', actionId }))).rejects.toBeInstanceOf(InvalidParameterError);
    expect(await recentJobs(f, 50)).toHaveLength(jobsBefore);
    expect(await entriesOf(actionId)).toEqual([]);
  });

  it('is audited before it runs, answers with the started job, and audits the job\'s end by the operator', async () => {
    await seed(250);
    const actionId = randomUUID();
    const outcome = await purgeAction(f, operator, purgeBody.parse({ store: 'postgres', actionId, reason: 'retention' }));
    expect(outcome).toMatchObject({ dryRun: false, replayed: false, actionId });
    const started = (outcome as { body: PostgresPurgeStarted }).body;
    expect(started).toMatchObject({ actionId, store: 'postgres' });
    await purgeRunSettled(started.jobId);
    expect(await rows()).toBe(1);
    expect(await jobById(f, started.jobId)).toMatchObject({ jobId: started.jobId, status: 'completed', purged: 250 });
    expect((await recentJobs(f, 1))[0]!.jobId).toBe(started.jobId);

    const [intent, started_] = await entriesOf(actionId);
    expect(intent).toMatchObject({ outcome: 'intent', action: 'purge.postgres', store: 'postgres', reason: 'retention', actor: operator.principal.label });
    expect(started_).toMatchObject({ outcome: 'started', result: { jobId: started.jobId, wouldPurge: 250 } });
    const [finished] = await finishedOf(started.jobId);
    expect(finished).toMatchObject({
      actor: operator.principal.label,
      role: 'operator',
      store: 'postgres',
      outcome: 'ok',
      clientAddress: operator.clientAddress,
      result: { status: 'completed', purged: 250, batches: expect.any(Number) },
    });
    expect(finished!.result).not.toHaveProperty('error');
  });

  it('cancels an interrupted job at once, resumes it to the end, and audits both and the end', async () => {
    await seed(150);
    const jobId = await interruptedJob();
    const cancelId = randomUUID();
    const cancelled = await cancelJobAction(f, operator, jobId, cancelId);
    expect(cancelled).toMatchObject({ actionId: cancelId, replayed: false, body: { jobId, status: 'cancelled' } });
    expect(await rows()).toBe(151);
    const cancelEntries = await entriesOf(cancelId);
    expect(cancelEntries.map((e) => [e.action, e.outcome])).toEqual([
      ['purge.cancel', 'intent'],
      ['purge.cancel', 'ok'],
    ]);
    expect(cancelEntries[1]).toMatchObject({ store: 'postgres', parameters: { jobId }, targets: [jobId], result: { status: 'cancelled', purged: 0 } });

    const resumeId = randomUUID();
    const resumed = await resumeJobAction(f, operator, jobId, resumeId);
    expect(resumed).toMatchObject({ actionId: resumeId, replayed: false, body: { jobId, status: 'running' } });
    await purgeRunSettled(jobId);
    expect(await rows()).toBe(1);
    const resumeEntries = await entriesOf(resumeId);
    expect(resumeEntries.map((e) => [e.action, e.outcome])).toEqual([
      ['purge.resume', 'intent'],
      ['purge.resume', 'started'],
    ]);
    expect(resumeEntries[1]).toMatchObject({ store: 'postgres', parameters: { jobId }, targets: [jobId], result: { status: 'running', purgedBefore: 0 } });
    // The resumed run's end is audited like a started one's: the hooks go with the resume.
    expect(await finishedOf(jobId)).toMatchObject([{ outcome: 'ok', result: { status: 'completed', purged: 150 } }]);
  });

  it('refuses to cancel a finished job or resume a completed one, and audits each as an error', async () => {
    await seed(0);
    const jobId = await interruptedJob();
    await resumeJobAction(f, operator, jobId);
    await purgeRunSettled(jobId);
    const cancelId = randomUUID();
    await expect(cancelJobAction(f, operator, jobId, cancelId)).rejects.toBeInstanceOf(JobStateError);
    expect((await entriesOf(cancelId)).map((e) => e.outcome)).toEqual(['intent', 'error']);
    const resumeId = randomUUID();
    await expect(resumeJobAction(f, operator, jobId, resumeId)).rejects.toBeInstanceOf(JobStateError);
    expect((await entriesOf(resumeId)).map((e) => e.outcome)).toEqual(['intent', 'error']);
  });

  it('names an unknown job as not found', async () => {
    await expect(jobById(f, randomUUID())).rejects.toBeInstanceOf(JobNotFoundError);
  });
});
