-- The expiry rule had two boundaries: the dashboard counted a row expired
-- AT its expiry time (<=), the purge only after it (<). One rule, one
-- boundary: a row is purgeable from the instant it expires, as classifyRow()
-- and lib/stores/postgres/rules.ts say; tests/stores/row-rules-parity.test.ts
-- holds the three together.
CREATE OR REPLACE FUNCTION "idemscope_purgeable"(status message_status, expires_at timestamptz, processed_at timestamptz, retention_hours integer)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT status <> 'processing' AND COALESCE(expires_at, processed_at + make_interval(hours => retention_hours)) <= now()
$$;
