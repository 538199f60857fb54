import type { SimulationSummary } from './run';

/** The summary `npm run simulate` prints: one row per store, then the verdict. */
export function formatSummary(summary: SimulationSummary): string {
  const header = ['store', 'consumer', 'unique', 'deliveries', 'duplicates', 'from store', 'conflicts', 'takeovers', 'failures', 'crashes', 'side effects', 'left in flight'];
  const rows = summary.groups.map((g) => [
    g.store,
    g.consumer,
    g.uniqueMessages,
    g.deliveries,
    g.duplicateDeliveries,
    g.answeredFromStore,
    g.inProgressConflicts,
    g.takeovers,
    g.failures,
    g.crashes,
    g.sideEffects,
    g.leftInFlight,
  ].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  const verdicts = summary.groups.map((g) =>
    g.maxSideEffectsPerMessage <= 1 && g.sideEffects === g.processedMessages
      ? `${g.store}: side effects ${g.sideEffects} = unique messages processed ${g.processedMessages}` +
        (g.leftInFlight ? ` (+${g.leftInFlight} left in flight by dead-lettered crashes)` : '') +
        ' — exactly once'
      : `${g.store}: IDEMPOTENCY BROKEN — ${g.sideEffects} side effects for ${g.processedMessages} messages (max ${g.maxSideEffectsPerMessage} per message)`,
  );
  const warnings = summary.groups
    .filter((g) => g.storeErrors || g.payloadMismatches)
    .map((g) => `${g.store}: ${g.storeErrors} store errors (redelivered), ${g.payloadMismatches} payload mismatches (dead-lettered)`);
  return [
    `simulated ${summary.seconds.toFixed(1)} s: ${summary.produced} messages produced, ${summary.producerRetries} producer retries, ${summary.rebalances} rebalances`,
    line(header),
    ...rows.map(line),
    `plain recipe keys: ${summary.plain.written} written, ${summary.plain.leftProcessing} left "processing" by crashes, ${summary.plain.withoutTtl} without TTL, ${summary.plain.deletedAfterFailure} deleted after a failed handler`,
    ...verdicts,
    ...warnings,
  ].join('\n');
}
