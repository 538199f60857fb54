import { connectPowertoolsClient, PowertoolsWriter, type PowertoolsClient } from '../../dashboard/helpers/powertools';
import { formatContract, type ExpectedRecord } from './format-contract';

/** AWS Lambda Powertools idempotency records, written by the real package's cache persistence layer. */
formatContract('powertools', () => {
  let client: PowertoolsClient | null = null;
  return {
    format: 'powertools',
    signed: true,
    async write(redis, prefix) {
      client = await connectPowertoolsClient();
      const fn = `${prefix}orders-fn`;
      const writer = new PowertoolsWriter(client, fn);
      const records: ExpectedRecord[] = [];
      records.push({ key: await writer.inProgress({ orderId: 'a' }, 120_000), state: 'processing', format: 'powertools', stuckReason: null, releasable: true });
      records.push({ key: await writer.inProgress({ orderId: 'b' }, undefined), state: 'stuck', format: 'powertools', stuckReason: 'no-lease', releasable: true });
      records.push({ key: await writer.completed({ orderId: 'c' }, { receipt: 'r' }), state: 'completed', format: 'powertools', stuckReason: null, releasable: false });
      await redis.set(`${fn}#foreign`, '{"status":"COMPLETED"}', { EX: 600 });
      records.push({ key: `${fn}#foreign`, state: 'unrecognized', format: 'unknown', releasable: false });
      return { pattern: `${fn}#*`, records };
    },
    async close() {
      await client?.close();
    },
  };
});
