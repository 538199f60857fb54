import { ownSchemaName } from '../../config/env';
import { raw, type Sql } from './sql';

/**
 * A table or function in Idemscope's own schema, qualified. Everything the
 * dashboard keeps for itself lives there; the watched tables are always
 * named by their own qualified names, so nothing depends on search_path.
 */
export function own(name: string): Sql {
  return raw(ownName(name));
}

export function ownName(name: string): string {
  return `"${ownSchemaName()}"."${name}"`;
}
