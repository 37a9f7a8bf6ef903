// What the onnxruntime micro-benchmarks share: bundling a TypeScript fixture script, timing a
// session over a time budget, medians, and the results file with the machine it ran on.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Bundles `entry` (a .ts next to the bench) into `outfile`, onnxruntime-node left external. */
export async function bundleScript(entry, outfile) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
    external: ['onnxruntime-node'],
  });
}

/** Mean milliseconds per `session.run(feeds)` over `budgetMs`, at least `minRuns` runs. */
export async function msPerRun(session, feeds, budgetMs, minRuns) {
  let count = 0;
  const started = performance.now();
  while (count < minRuns || performance.now() - started < budgetMs) {
    await session.run(feeds);
    count++;
  }
  return (performance.now() - started) / count;
}

/** Whether the CPU reports AMX-INT8 (Linux /proc/cpuinfo; false elsewhere). */
function cpuHasAmxInt8() {
  try {
    return /\bamx_int8\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

/** Writes bench/results/<name>.json: the bench's own fields plus Node, CPU and date. */
export function writeResults(resultsDir, name, fields) {
  const body = {
    bench: name,
    node: process.version,
    cpu: cpus()[0]?.model,
    cpus: cpus().length,
    // Under bench/tools/no-amx.c onnxruntime's integer GEMMs run on AVX512-VNNI instead of AMX.
    amx: !cpuHasAmxInt8()
      ? 'not on this CPU'
      : process.env.MODELOPS_BENCH_NO_AMX === '1'
        ? 'refused (bench/tools/no-amx.c)'
        : 'used by onnxruntime for integer GEMMs',
    date: new Date().toISOString(),
    ...fields,
  };
  writeFileSync(join(resultsDir, `${name}.json`), JSON.stringify(body, null, 2) + '\n');
}
