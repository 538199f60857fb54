-- A purge of a range-partitioned table drops the partitions entirely past
-- retention, then deletes in batches from the ones that straddle the cut:
-- these are the partitions still to be walked, the current one first
-- (target_table stays the watched, partitioned table).
ALTER TABLE "purge_jobs" ADD COLUMN IF NOT EXISTS "partitions" TEXT[] NOT NULL DEFAULT '{}';
