-- Idemscope's own schema: everything the dashboard keeps for itself. The
-- runner (lib/db/migrate.ts) applies this with search_path set to
-- IDEMSCOPE_SCHEMA alone, so every unqualified name below lands there. No
-- statement here touches a table the dashboard watches: the dedup tables
-- belong to the teams (and the processor library's to its own setup step,
-- `npm run library:setup`).

-- Databases migrated by earlier versions kept the audit log and the purge
-- jobs in public. Move them, history and all, when those migrations ran
-- there; the old purge functions (written against public.processed_messages)
-- go. A table of the same name that a team owns is never touched: only
-- tables recorded by our own earlier migrations move.
DO $$
BEGIN
    IF to_regclass('public._prisma_migrations') IS NULL OR to_regclass(format('%I.audit_log', current_schema())) IS NOT NULL THEN
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public._prisma_migrations
                   WHERE migration_name = '20261127090000_audit' AND finished_at IS NOT NULL AND rolled_back_at IS NULL) THEN
        RETURN;
    END IF;
    EXECUTE format('ALTER TABLE public.audit_log SET SCHEMA %I', current_schema());
    EXECUTE format('ALTER FUNCTION public.audit_log_reject_change() SET SCHEMA %I', current_schema());
    IF to_regclass('public.purge_jobs') IS NOT NULL THEN
        EXECUTE format('ALTER TABLE public.purge_jobs SET SCHEMA %I', current_schema());
    END IF;
    DROP FUNCTION IF EXISTS public.idemscope_purge_window(uuid, text, integer, integer, integer, integer);
    DROP FUNCTION IF EXISTS public.idemscope_purge_window_end(tid, tid, integer, integer);
    IF to_regtype('public.message_status') IS NOT NULL THEN
        DROP FUNCTION IF EXISTS public.idemscope_purgeable(public.message_status, timestamptz, timestamptz, integer);
    END IF;
END
$$;

-- Operator actions, one row each, written once and never changed.
CREATE TABLE IF NOT EXISTS "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "action_id" UUID,
    "store" TEXT,
    "outcome" TEXT NOT NULL,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "targets" JSONB NOT NULL DEFAULT '[]',
    "target_count" INTEGER NOT NULL DEFAULT 0,
    "seen" JSONB NOT NULL DEFAULT '[]',
    "reason" TEXT,
    "result" JSONB NOT NULL DEFAULT '{}',
    "client_address" TEXT,
    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);
-- A moved log from before refusals were audited gets the current outcomes; a
-- constraint that already allows them (and perhaps more) is left as it is.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                   WHERE conrelid = 'audit_log'::regclass AND conname = 'audit_log_outcome_check'
                     AND pg_get_constraintdef(oid) LIKE '%refused%') THEN
        ALTER TABLE "audit_log" DROP CONSTRAINT IF EXISTS "audit_log_outcome_check";
        ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_outcome_check" CHECK ("outcome" IN ('ok', 'error', 'started', 'refused'));
    END IF;
END
$$;
CREATE INDEX IF NOT EXISTS "audit_log_action_id_idx" ON "audit_log"("action", "id");
CREATE INDEX IF NOT EXISTS "audit_log_actor_id_idx" ON "audit_log"("actor", "id");
CREATE INDEX IF NOT EXISTS "audit_log_at_idx" ON "audit_log"("at");

-- Append-only even for a dashboard bug or a careless psql session; only the
-- table owner dropping the trigger (itself a visible act) gets past it.
CREATE OR REPLACE FUNCTION "audit_log_reject_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE OR REPLACE TRIGGER "audit_log_no_update_or_delete" BEFORE UPDATE OR DELETE ON "audit_log"
    FOR EACH ROW EXECUTE FUNCTION "audit_log_reject_change"();
CREATE OR REPLACE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_reject_change"();

-- A long purge of one watched table, run batch by batch by the dashboard
-- process named in `runner`; `scan_from` is where its walk through the
-- table stands (a ctid).
CREATE TABLE IF NOT EXISTS "purge_jobs" (
    "id" UUID NOT NULL,
    "store" TEXT NOT NULL DEFAULT 'postgres',
    "status" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "action_id" UUID,
    "reason" TEXT,
    "batch_size" INTEGER NOT NULL,
    "estimated_total" BIGINT,
    "estimated" BOOLEAN NOT NULL DEFAULT true,
    "purged" BIGINT NOT NULL DEFAULT 0,
    "batches" INTEGER NOT NULL DEFAULT 0,
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "runner" TEXT,
    "heartbeat_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(6),
    "error" TEXT,
    CONSTRAINT "purge_jobs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "purge_jobs_status_check" CHECK ("status" IN ('running', 'cancelled', 'completed', 'failed'))
);
ALTER TABLE "purge_jobs" ADD COLUMN IF NOT EXISTS "scan_from" TEXT NOT NULL DEFAULT '(0,0)';
-- Jobs of earlier versions all purged public.processed_messages.
ALTER TABLE "purge_jobs" ADD COLUMN IF NOT EXISTS "target_table" TEXT NOT NULL DEFAULT 'public.processed_messages';
CREATE INDEX IF NOT EXISTS "purge_jobs_store_status_idx" ON "purge_jobs"("store", "status");

-- The dashboard's own action ids, claimed through the processor library
-- (lib/actions/run-action.ts) so that a double submit runs once. The
-- library's row shape, in our schema: never a row in a watched table, never
-- a delivery counted in a duplicate chart.
CREATE TABLE IF NOT EXISTS "action_claims" (
    "message_id" UUID NOT NULL,
    "processed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "result" JSONB,
    "consumer" TEXT NOT NULL DEFAULT 'unknown',
    "status" TEXT NOT NULL DEFAULT 'completed',
    "delivery_count" INTEGER NOT NULL DEFAULT 1,
    "claimed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "owner_token" TEXT,
    "lease_expires_at" TIMESTAMPTZ(6),
    "expires_at" TIMESTAMPTZ(6),
    "fingerprint" TEXT,
    CONSTRAINT "action_claims_pkey" PRIMARY KEY ("message_id"),
    CONSTRAINT "action_claims_status_check" CHECK ("status" IN ('processing', 'completed', 'failed'))
);
CREATE INDEX IF NOT EXISTS "action_claims_expires_at_idx" ON "action_claims"("expires_at");

-- One batch of a purge job over any watched table: deletes the rows that
-- `purgeable` (an SQL condition on the table's columns, from
-- lib/stores/postgres/rules.ts, on the database clock) holds for, among the
-- next `max_rows` of them from the job's position, reading at most
-- `max_pages` pages, and moves the position past them. Walking ctid order
-- needs no index on the table, so this works on any table as it is.
--   * The window's end is found by the DELETE statement itself, so both see
--     one snapshot and the window holds at most max_rows rows to delete; the
--     same statement moves the job's position. A batch that deleted more
--     anyway (a plan that did not scan in ctid order) raises and rolls back.
--   * Every row is re-checked against the rule as it is deleted.
--   * The delete waits at most lock_wait_ms for a row a consumer holds.
--     Past that it starts the window over and skips locked rows, so the purge
--     never waits on a consumer for long and a deadlock cannot form.
--   * Returns owned = false, and does nothing, when the job is no longer
--     this runner's (cancelled while interrupted, or resumed elsewhere).
-- Why a function: a batch must delete its rows and count them on the job row
-- in one transaction and one round trip; GET DIAGNOSTICS gives the count
-- without DELETE … RETURNING re-reading every deleted row.
CREATE OR REPLACE FUNCTION "purge_window"(
    job_id uuid, job_runner text, target regclass, purgeable text, max_rows integer, max_pages integer, lock_wait_ms integer)
RETURNS TABLE (purged integer, skipped_locked boolean, done boolean, owned boolean, cancel_requested boolean)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    from_tid tid;
    page_cap tid;
    upto tid;
    deleted integer := 0;
    skipped boolean := false;
    cancel boolean;
BEGIN
    SELECT j.scan_from::tid INTO from_tid FROM purge_jobs j
        WHERE j.id = job_id AND j.runner = job_runner AND j.status = 'running'
        FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 0, false, false, false, false;
        RETURN;
    END IF;

    -- A batch lost to a crash is simply deleted again by the next purge,
    -- so waiting for the WAL flush would only slow every batch down.
    PERFORM set_config('synchronous_commit', 'off', true), set_config('lock_timeout', lock_wait_ms || 'ms', true);
    page_cap := format('(%s,0)', (from_tid::text::point)[0]::bigint + max_pages)::tid;

    BEGIN
        EXECUTE format($sql$
            WITH window_end AS MATERIALIZED (
                SELECT COALESCE((SELECT w.ctid FROM %1$s w WHERE w.ctid >= $1 AND w.ctid < $2 AND (%2$s) OFFSET $3 LIMIT 1), $2) AS upto
            ), moved AS (
                UPDATE purge_jobs j SET scan_from = (SELECT e.upto FROM window_end e)::text WHERE j.id = $4
            )
            DELETE FROM %1$s m
            WHERE m.ctid >= $1 AND m.ctid < (SELECT e.upto FROM window_end e) AND (%2$s)$sql$, target, purgeable)
        USING from_tid, page_cap, max_rows, job_id;
        GET DIAGNOSTICS deleted = ROW_COUNT;
    EXCEPTION WHEN lock_not_available THEN
        EXECUTE format($sql$
            WITH window_end AS MATERIALIZED (
                SELECT COALESCE((SELECT w.ctid FROM %1$s w WHERE w.ctid >= $1 AND w.ctid < $2 AND (%2$s) OFFSET $3 LIMIT 1), $2) AS upto
            ), moved AS (
                UPDATE purge_jobs j SET scan_from = (SELECT e.upto FROM window_end e)::text WHERE j.id = $4
            )
            DELETE FROM %1$s m
            WHERE m.ctid = ANY(ARRAY(
                    SELECT l.ctid FROM %1$s l
                    WHERE l.ctid >= $1 AND l.ctid < (SELECT e.upto FROM window_end e) AND (%2$s)
                    FOR UPDATE SKIP LOCKED))
              AND (%2$s)$sql$, target, purgeable)
        USING from_tid, page_cap, max_rows, job_id;
        GET DIAGNOSTICS deleted = ROW_COUNT;
        skipped := true;
    END;
    IF deleted > max_rows THEN
        RAISE EXCEPTION 'a purge batch deleted % rows, more than its % (rolled back)', deleted, max_rows;
    END IF;

    UPDATE purge_jobs j
        SET purged = j.purged + deleted, batches = j.batches + 1, heartbeat_at = now(), updated_at = now()
        WHERE j.id = job_id
        RETURNING j.scan_from::tid, j.cancel_requested INTO upto, cancel;

    RETURN QUERY SELECT deleted, skipped,
        upto >= format('(%s,0)', pg_relation_size(target) / current_setting('block_size')::int)::tid,
        true, cancel;
END
$$;
-- It runs the condition it is given: only Idemscope's own role may call it.
REVOKE ALL ON FUNCTION "purge_window"(uuid, text, regclass, text, integer, integer, integer) FROM PUBLIC;
