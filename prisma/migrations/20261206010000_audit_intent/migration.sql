-- An action is audited twice, linked by action_id: an 'intent' entry before it
-- touches a store, and its outcome after. The log stays append-only: an
-- intent is never completed in place, and one without an outcome is an action
-- whose process died before it could say how it ended.

ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_outcome_check";
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_outcome_check" CHECK ("outcome" IN ('intent', 'ok', 'error', 'started', 'refused'));
