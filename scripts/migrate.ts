import { env } from '../lib/config/env';
import { migrate } from '../lib/db/migrate';

const { DATABASE_URL } = env();
const result = await migrate(DATABASE_URL);
const where = new URL(DATABASE_URL);
where.password = '';
if (result.created) console.log(`created database ${where.pathname.slice(1)}`);
for (const name of result.applied) console.log(`applied ${name}`);
console.log(`${where.host}${where.pathname}: ${result.applied.length} applied, ${result.skipped.length} already up to date`);
