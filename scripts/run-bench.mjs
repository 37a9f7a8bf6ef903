// Runs every bench/*.bench.mjs in turn (each prints its own side-by-side table and writes
// bench/results/<name>.json). Benchmarks are measurements, never pass/fail tests.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = join(dirname(fileURLToPath(import.meta.url)), '../bench');
const only = process.argv[2];
for (const file of readdirSync(bench).filter(
  (f) => f.endsWith('.bench.mjs') && (!only || f.includes(only)),
)) {
  console.log(`\n== ${file}`);
  const run = spawnSync(process.execPath, [join(bench, file)], { stdio: 'inherit' });
  if (run.status !== 0) process.exitCode = 1;
}
