import { dedupStoreContract } from './dedup-store-contract';
import { postgresUnderTest } from './helpers/postgres-under-test';

dedupStoreContract('postgres', () => postgresUnderTest('pg_contract'), { label: 'postgres (library profile)' });
