-- A signed-in user's refused action request (viewer role, cross-site,
-- read-only mode, over the rate limit) is audited too, as outcome 'refused'.

ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_outcome_check";
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_outcome_check" CHECK ("outcome" IN ('ok', 'error', 'started', 'refused'));
