import type { Database } from '../db/prisma';
import type { StoreSettings } from '../stores/settings';
import type { DedupStores } from '../stores/store';

/** The stores and settings an action runs against; routes pass the app's, tests their own. */
export interface ActionDeps {
  /** Idemscope's own tables: the audit log, action ids and purge jobs. */
  db: Database;
  stores: DedupStores;
  config: StoreSettings;
}

/** Largest body an action request may have: room for a full bulk confirmation. */
export function maxBodyBytes(config: StoreSettings): number {
  return 64 * 1024 + config.bulkLimit * 1200;
}
