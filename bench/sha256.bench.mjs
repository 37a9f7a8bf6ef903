// sha256 throughput: modelops' sha256File side by side with `openssl dgst -sha256` and `sha256sum`
// on the same file in the same run. Env: BENCH_SHA_MB (default 1024), BENCH_SHA_RUNS (default 3).
// Prints one JSON line per tool and writes bench/results/sha256.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const sizeMb = Number(process.env.BENCH_SHA_MB ?? 1024);
const runs = Number(process.env.BENCH_SHA_RUNS ?? 3);
// Type stripping needs Node >= 22.6; on older Node use the Node 24 that npm scripts run.
const tsNode = process.features.typescript ? process.execPath : join(root, 'node_modules/.bin/node');

const work = mkdtempSync(join(tmpdir(), 'modelops-bench-'));
const file = join(work, 'blob.bin');
try {
  const chunk = Buffer.alloc(16 * 1024 * 1024);
  const fd = openSync(file, 'w');
  for (let written = 0; written < sizeMb * 1024 * 1024; written += chunk.length) {
    randomFillSync(chunk);
    writeSync(fd, chunk, 0, Math.min(chunk.length, sizeMb * 1024 * 1024 - written));
  }
  closeSync(fd);

  const tools = {
    'modelops sha256File': () => {
      const out = spawnSync(
        tsNode,
        ['--experimental-strip-types', '--no-warnings', join(here, 'sha256-modelops.ts'), file],
        { encoding: 'utf8' },
      );
      if (out.status !== 0) throw new Error(`sha256-modelops.ts failed: ${out.stderr}`);
      return JSON.parse(out.stdout);
    },
    'openssl dgst -sha256': () => ({
      hex: execFileSync('openssl', ['dgst', '-sha256', '-r', file], { encoding: 'utf8' }).split(' ')[0],
    }),
    sha256sum: () => ({ hex: execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0] }),
  };

  // Warm the page cache so every tool reads from memory and we compare hashing, not the disk.
  tools.sha256sum();
  const samples = Object.fromEntries(Object.keys(tools).map((name) => [name, []]));
  const hashes = new Set();
  for (let i = 0; i < runs; i++) {
    // Interleave tools so drift (thermal, noisy neighbours) hits them alike.
    for (const [name, run] of Object.entries(tools)) {
      const start = performance.now();
      const result = run();
      samples[name].push({ wall: performance.now() - start, inner: result.ms });
      hashes.add(result.hex);
    }
  }
  if (hashes.size !== 1) throw new Error(`tools disagree: ${[...hashes].join(', ')}`);

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const mbps = (ms) => Math.round((sizeMb / (ms / 1000)) * 10) / 10;
  const opensslMs = median(samples['openssl dgst -sha256'].map((s) => s.wall));
  const results = Object.entries(samples).map(([tool, s]) => {
    const wall = median(s.map((x) => x.wall));
    const inner = s[0].inner === undefined ? undefined : median(s.map((x) => x.inner));
    return {
      tool,
      size_mb: sizeMb,
      runs,
      median_wall_ms: Math.round(wall),
      mb_per_s: mbps(wall),
      // Without Node's ~40 ms startup: the throughput a verb sees.
      ...(inner === undefined
        ? {}
        : { median_in_process_ms: Math.round(inner), in_process_mb_per_s: mbps(inner) }),
      wall_ratio_vs_openssl: Math.round((wall / opensslMs) * 100) / 100,
    };
  });
  for (const r of results) console.log(JSON.stringify(r));

  mkdirSync(join(here, 'results'), { recursive: true });
  const report = {
    bench: 'sha256',
    date: new Date().toISOString(),
    node: spawnSync(tsNode, ['--version'], { encoding: 'utf8' }).stdout.trim(),
    openssl: execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim(),
    cpu: `${cpus()[0]?.model ?? 'unknown'} x${cpus().length}`,
    sha256: [...hashes][0],
    results,
  };
  writeFileSync(join(here, 'results', 'sha256.json'), JSON.stringify(report, null, 2) + '\n');
} finally {
  rmSync(work, { recursive: true, force: true });
}
