import { dedupStoreContract } from './dedup-store-contract';
import { postgresUnderTest } from './helpers/postgres-under-test';

// The same contract on a table of the common recipe: nothing there is ever in
// flight, so the in-flight cases do not apply (tests/stores/recipe-attach.test.ts
// covers its release and purge).
dedupStoreContract(
  'postgres',
  () =>
    postgresUnderTest('pg_recipe_contract', {
      table: {
        config: { schema: 'public', table: 'recipe_rows', profile: 'recipe' },
        create: 'CREATE TABLE recipe_rows (message_id uuid primary key, processed_at timestamptz default now(), result jsonb)',
      },
    }),
  { label: 'postgres (recipe profile)', inFlight: false },
);
