import pg from 'pg';

/**
 * The two other watched tables of the three-table overview (issue #9): a
 * common-recipe table and a Stripe-like idempotency_keys table, each written
 * by its own SQL, as their services would. Created and filled once;
 * a later run (--reuse-postgres) finds them as they are.
 */
export const EXTRA_TABLES = ['public.recipe_messages', 'public.idempotency_keys'];

export async function loadMoreTables(url: string, rows: { recipe: number; stripe: number }): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS public.recipe_messages (message_id uuid PRIMARY KEY, processed_at timestamptz DEFAULT now(), result jsonb)`);
    await client.query(
      `INSERT INTO public.recipe_messages (message_id, processed_at, result)
       SELECT md5('recipe' || i)::uuid, now() - (i % 100) * interval '1 hour', '{"ok":true}'::jsonb
       FROM generate_series(1, $1::int) i
       WHERE NOT EXISTS (SELECT 1 FROM public.recipe_messages LIMIT 1)`,
      [rows.recipe],
    );
    await client.query(`CREATE TABLE IF NOT EXISTS public.idempotency_keys (
      id bigserial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), idempotency_key text NOT NULL,
      last_run_at timestamptz NOT NULL DEFAULT now(), locked_at timestamptz DEFAULT now(), request_method text NOT NULL DEFAULT 'POST',
      request_params jsonb NOT NULL DEFAULT '{}', request_path text NOT NULL DEFAULT '/charges', response_code int, response_body jsonb,
      recovery_point text NOT NULL DEFAULT 'started', user_id bigint NOT NULL, UNIQUE (user_id, idempotency_key))`);
    await client.query(
      `INSERT INTO public.idempotency_keys (created_at, idempotency_key, last_run_at, locked_at, recovery_point, user_id, response_code)
       SELECT now() - (i % 96) * interval '1 hour', 'key-' || i, now() - (i % 96) * interval '1 hour',
              CASE WHEN i % 50 = 0 THEN now() - (i % 96) * interval '1 hour' END,
              CASE WHEN i % 50 = 0 THEN 'charge_created' ELSE 'finished' END, i % 1000, 201
       FROM generate_series(1, $1::int) i
       WHERE NOT EXISTS (SELECT 1 FROM public.idempotency_keys LIMIT 1)`,
      [rows.stripe],
    );
    await client.query('SELECT pg_stat_force_next_flush()');
  } finally {
    await client.end();
  }
}
