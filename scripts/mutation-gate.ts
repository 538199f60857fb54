/**
 * Fails when a mutated file's score is below its floor. Stryker's own
 * `thresholds.break` is one number for the whole run; a rule module and an
 * action service are held to different floors (issue #16), so this reads
 * Stryker's JSON report and checks each file against the floor of the
 * longest matching prefix.
 *
 *   tsx scripts/mutation-gate.ts [reports/mutation/mutation.json ...]
 */
import { existsSync, readFileSync } from 'node:fs';

/** Floors in percent, by path prefix. */
export const FLOORS: Record<string, number> = {
  'lib/records/': 90,
  'lib/stores/': 90,
  'lib/idempotency/': 90,
  'lib/actions/': 85,
  'lib/config/': 85,
  'lib/http/': 85,
  'lib/auth/': 85,
};

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

interface Report {
  files: Record<string, { mutants: { status: string }[] }>;
}

export interface FileScore {
  file: string;
  detected: number;
  undetected: number;
  score: number;
  floor: number | null;
}

export function floorOf(file: string): number | null {
  const prefix = Object.keys(FLOORS)
    .filter((p) => file.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? null : FLOORS[prefix]!;
}

export function scores(report: Report, root: string): FileScore[] {
  return Object.entries(report.files).map(([path, { mutants }]) => {
    const file = path.startsWith(root) ? path.slice(root.length) : path;
    const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
    const undetected = mutants.filter((m) => UNDETECTED.has(m.status)).length;
    const total = detected + undetected;
    return { file, detected, undetected, score: total === 0 ? 100 : (100 * detected) / total, floor: floorOf(file) };
  });
}

function main(paths: string[]): number {
  const root = `${process.cwd()}/`;
  const all = paths.flatMap((path) => {
    if (!existsSync(path)) throw new Error(`${path}: no mutation report (did the Stryker run finish?)`);
    return scores(JSON.parse(readFileSync(path, 'utf8')) as Report, root);
  });
  let failed = 0;
  for (const s of all.sort((a, b) => a.file.localeCompare(b.file))) {
    const below = s.floor !== null && s.score < s.floor;
    if (below) failed++;
    const floor = s.floor === null ? 'no floor' : `floor ${s.floor} %`;
    console.log(`${below ? 'BELOW' : 'ok   '} ${s.score.toFixed(1).padStart(5)} %  ${s.file}  (${s.detected} detected, ${s.undetected} undetected; ${floor})`);
  }
  if (failed) console.error(`\n${failed} file(s) below their mutation score floor: add the tests that kill their survivors, or mark an equivalent mutant with a Stryker disable comment and its reason.`);
  return failed ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  process.exitCode = main(args.length ? args : ['ts', 'sql', 'guards', 'builders', 'actions'].map((run) => `reports/mutation/${run}.json`));
}
