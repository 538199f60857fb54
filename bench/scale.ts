/**
 * `npm run bench:scale [-- --part postgres|redis] [part options]`: the scale
 * measurements of issue #13, one part per store, each its own file
 * (bench/scale-<part>.ts exporting `run(argv)`). Without `--part`, every
 * part runs in turn.
 */
const PARTS: Record<string, () => Promise<{ run(argv: string[]): Promise<void> }>> = {
  postgres: () => import('./scale-postgres'),
  redis: () => import('./scale-cluster'),
};

const at = process.argv.indexOf('--part');
const wanted = at >= 0 ? [process.argv[at + 1]!] : Object.keys(PARTS);
const rest = at >= 0 ? [...process.argv.slice(2, at), ...process.argv.slice(at + 2)] : process.argv.slice(2);
for (const name of wanted) {
  const part = PARTS[name];
  if (!part) throw new Error(`unknown part ${name}: one of ${Object.keys(PARTS).join(', ')}`);
  console.log(`\n== bench:scale, part ${name}`);
  await (await part()).run(rest);
}
process.exit(0);
export {};
