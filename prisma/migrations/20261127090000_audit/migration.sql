-- Operator actions: the append-only audit log and the purge jobs' progress.

CREATE TABLE "audit_log" (
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
    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "audit_log_outcome_check" CHECK ("outcome" IN ('ok', 'error', 'started'))
);

CREATE INDEX "audit_log_action_id_idx" ON "audit_log"("action", "id");
CREATE INDEX "audit_log_actor_id_idx" ON "audit_log"("actor", "id");
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");

-- Append-only even for a dashboard bug or a careless psql session; only the
-- table owner dropping the trigger (itself a visible act) gets past it.
CREATE FUNCTION "audit_log_reject_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "audit_log_no_update_or_delete" BEFORE UPDATE OR DELETE ON "audit_log"
    FOR EACH ROW EXECUTE FUNCTION "audit_log_reject_change"();
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_reject_change"();

CREATE TABLE "purge_jobs" (
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

CREATE INDEX "purge_jobs_store_status_idx" ON "purge_jobs"("store", "status");
