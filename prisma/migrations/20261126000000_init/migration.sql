-- Adopts an existing recipe table if there is one: the common
-- (message_id, processed_at, result) table is created only when missing, and
-- every added column has a default so existing INSERTs keep working.

CREATE TYPE "message_status" AS ENUM ('processing', 'completed', 'failed');

CREATE TABLE IF NOT EXISTS "processed_messages" (
    "message_id" UUID NOT NULL,
    "processed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "result" JSONB,
    CONSTRAINT "processed_messages_pkey" PRIMARY KEY ("message_id")
);

ALTER TABLE "processed_messages"
    ALTER COLUMN "processed_at" SET NOT NULL,
    ALTER COLUMN "processed_at" SET DEFAULT CURRENT_TIMESTAMP,
    ADD COLUMN IF NOT EXISTS "consumer" TEXT NOT NULL DEFAULT 'unknown',
    ADD COLUMN IF NOT EXISTS "status" "message_status" NOT NULL DEFAULT 'completed',
    ADD COLUMN IF NOT EXISTS "delivery_count" INTEGER NOT NULL DEFAULT 1,
    ADD COLUMN IF NOT EXISTS "claimed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    ADD COLUMN IF NOT EXISTS "last_seen_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    ADD COLUMN IF NOT EXISTS "owner_token" TEXT,
    ADD COLUMN IF NOT EXISTS "lease_expires_at" TIMESTAMPTZ(6),
    ADD COLUMN IF NOT EXISTS "expires_at" TIMESTAMPTZ(6),
    ADD COLUMN IF NOT EXISTS "fingerprint" TEXT;

CREATE INDEX "processed_messages_status_lease_idx" ON "processed_messages"("status", "lease_expires_at");
CREATE INDEX "processed_messages_expires_at_idx" ON "processed_messages"("expires_at");
CREATE INDEX "processed_messages_processed_at_idx" ON "processed_messages"("processed_at");
CREATE INDEX "processed_messages_consumer_status_idx" ON "processed_messages"("consumer", "status");

CREATE TABLE "delivery_stats" (
    "bucket_start" TIMESTAMPTZ(6) NOT NULL,
    "consumer" TEXT NOT NULL,
    "store" TEXT NOT NULL DEFAULT 'postgres',
    "writer" SMALLINT NOT NULL DEFAULT 0,
    "deliveries" BIGINT NOT NULL DEFAULT 0,
    "first_deliveries" BIGINT NOT NULL DEFAULT 0,
    "duplicates" BIGINT NOT NULL DEFAULT 0,
    "in_progress_conflicts" BIGINT NOT NULL DEFAULT 0,
    "failures" BIGINT NOT NULL DEFAULT 0,
    "releases" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "delivery_stats_pkey" PRIMARY KEY ("bucket_start", "consumer", "store", "writer")
);
