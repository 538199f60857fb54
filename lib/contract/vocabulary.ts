/**
 * The names the API sends for stores, record formats and states. They are
 * defined in lib/records/states.ts, next to the pure classifiers that decide
 * them; that file imports nothing, so re-exporting it here adds no cycle and
 * clients get the one spelling without reaching into lib/records.
 */
export { RECORD_FORMATS, RECORD_STATES, STORES } from '../records/states';
export type { RecordFormat, RecordState, StoreName } from '../records/states';
