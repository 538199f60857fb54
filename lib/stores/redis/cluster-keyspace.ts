import { REDIS_CLUSTER_SLOTS } from '../../idempotency/stores/redis-layout';
import type { RedisClusterClient } from './connection';
import { keyReads, nodeKeyspace } from './key-reads';
import type { KeyspaceReader, KeyspaceShard } from './keyspace';

/**
 * The keyspace reader of a Redis Cluster. Key reads go to each key's master
 * (node-redis routes by slot and follows MOVED and ASK). `scan` walks the
 * masters in address order, one after the other, with a cursor
 * `<master index>:<node cursor>`; a listing that spans a topology change may
 * then skip or repeat keys, which a listing tolerates and the scanner, which
 * goes through `shards`, does not have to.
 */
export function clusterKeyspace(cluster: RedisClusterClient): KeyspaceReader {
  const masters = () => [...cluster.masters].sort((a, b) => a.address.localeCompare(b.address));
  return {
    ...keyReads((key, args, options) => cluster.sendCommand(key, true, args, options)),

    async scan(pattern, cursor, count) {
      const [index, nodeCursor] = parseClusterCursor(cursor);
      const list = masters();
      const master = list[index];
      // Fewer masters than when the listing began: it ends here.
      if (!master) return { cursor: '0', keys: [] };
      const node = await cluster.nodeClient(master);
      const reply = await node.scan(nodeCursor, { MATCH: pattern, COUNT: count });
      const next = String(reply.cursor);
      const keys = reply.keys.map(String);
      if (next !== '0') return { cursor: `${index}:${next}`, keys };
      return { cursor: index + 1 < list.length ? `${index + 1}:0` : '0', keys };
    },

    async shards(): Promise<KeyspaceShard[]> {
      const owned = new Map<string, Uint8Array>();
      cluster.slots.forEach((shard, slot) => {
        const address = shard.master.address;
        let slots = owned.get(address);
        if (!slots) owned.set(address, (slots = new Uint8Array(REDIS_CLUSTER_SLOTS)));
        slots[slot] = 1;
      });
      return Promise.all(
        masters().map(async (master) => ({
          node: master.address,
          slots: owned.get(master.address) ?? new Uint8Array(REDIS_CLUSTER_SLOTS),
          reader: nodeKeyspace(await cluster.nodeClient(master)),
        })),
      );
    },

    async refresh() {
      // node-redis reads the topology again on MOVED and ASK only; a master that died answers
      // nothing, so after a failure the scanner asks for it. It starts from the first master
      // and falls back to the seed nodes when that one is the dead one.
      const first = cluster.masters[0];
      if (first) await cluster._slots.rediscover(await cluster.nodeClient(first));
    },
  };
}

/** `0` (the start) or `<master index>:<node cursor>`. */
export function parseClusterCursor(cursor: string): [number, string] {
  if (cursor === '0') return [0, '0'];
  const match = /^(\d{1,4}):(\d{1,20})$/.exec(cursor);
  if (!match) throw new Error(`not a cluster SCAN cursor: ${cursor}`);
  return [Number(match[1]), match[2]!];
}
