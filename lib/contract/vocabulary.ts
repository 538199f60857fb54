/**
 * The names the API sends for stores, record formats and states. They are
 * defined in lib/records/states.ts, next to the pure classifiers that decide
 * them; that file imports nothing, so re-exporting it here adds no cycle and
 * clients get the one spelling without reaching into lib/records.
 */
export { KEY_FORMATS, RECORD_FORMATS, RECORD_STATES, STORES, STUCK_REASONS, TIME_AXES } from '../records/states';
export type { KeyFormat, RecordFormat, RecordState, StoreName, StuckReason, TimeAxis } from '../records/states';
