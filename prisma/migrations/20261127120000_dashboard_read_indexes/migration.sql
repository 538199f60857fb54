-- The dashboard lists rows of one status in claim order and pages with a
-- keyset on (claimed_at, message_id): in-flight rows oldest first, so stuck
-- ones come first; completed and failed rows newest first. Without this index
-- each page would sort every row of that status.
-- On a large existing table, create it by hand first with
-- CREATE INDEX CONCURRENTLY (same name) to avoid blocking writers; this
-- migration then finds it and does nothing.
CREATE INDEX IF NOT EXISTS "processed_messages_status_claimed_idx"
    ON "processed_messages" ("status", "claimed_at", "message_id");
