import { env } from '../lib/config/env';
import { migrate } from '../lib/db/migrate';

const { DATABASE_URL, IDEMSCOPE_SCHEMA } = env();
const result = await migrate(DATABASE_URL, { schema: IDEMSCOPE_SCHEMA });
const where = new URL(DATABASE_URL);
where.password = '';
if (result.created) console.log(`created database ${where.pathname.slice(1)}`);
for (const name of result.applied) console.log(`applied ${name}`);
console.log(`${where.host}${where.pathname} schema ${IDEMSCOPE_SCHEMA}: ${result.applied.length} applied, ${result.skipped.length} already up to date`);
