// audit on compressed pickles (.pkl.bz2, .pkl.xz, .pkl.zst): our bounded decoders plus the pickle
// scan, side by side with the native tools decompressing the same file to /dev/null in the same
// run (bzip2 -dc, xz -dc, zstd -dc). The payload is a pickle of float32 weights (Gaussian, 3
// decimals) written by /usr/bin/python3, compressed by the tools themselves.
// CPU time (user + sys of the child, from bash's `times`) is reported beside wall time: on a
// loaded 2-core machine wall time mostly measures the neighbours.
// Env: BENCH_AUDIT_DECOMPRESS_MB (default 16), BENCH_AUDIT_RUNS (3). Needs the build.
// Writes bench/results/audit-decompress.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const cli = join(root, 'bin/modelops.js');
if (!existsSync(join(root, 'dist/cli.js'))) throw new Error('run npm run build first');
const sizeMb = Number(process.env.BENCH_AUDIT_DECOMPRESS_MB ?? 16);
const runs = Number(process.env.BENCH_AUDIT_RUNS ?? 3);

const work = mkdtempSync(join(tmpdir(), 'modelops-audit-decompress-'));
try {
  const pkl = join(work, 'model.pkl');
  execFileSync('/usr/bin/python3', [
    '-c',
    `import pickle, random, struct, sys
random.seed(5)
n = ${sizeMb} * 1024 * 1024 // 4
w = struct.pack('<%df' % n, *(round(random.gauss(0, 0.05), 3) for _ in range(n)))
open(sys.argv[1], 'wb').write(pickle.dumps({'weights': w, 'shape': (n,)}, protocol=4))`,
    pkl,
  ]);
  const formats = [
    { ext: 'bz2', make: ['bzip2', '-k', '-9'], peer: ['bzip2', '-dc'] },
    { ext: 'xz', make: ['xz', '-k', '-6'], peer: ['xz', '-dc'] },
    { ext: 'zst', make: ['zstd', '-q'], peer: ['zstd', '-q', '-dc'] },
  ];
  for (const f of formats) execFileSync(f.make[0], [...f.make.slice(1), pkl]);
  /** Runs argv with stdout to /dev/null; returns wall and child CPU milliseconds. */
  const measure = (argv) => {
    const start = performance.now();
    const out = execFileSync('bash', ['-c', '"$@" >/dev/null; times', 'bash', ...argv], {
      encoding: 'utf8',
    });
    const wall = performance.now() - start;
    const [user, sys] = out.trim().split('\n').at(-1).split(/\s+/).map(seconds);
    return { wall, cpu: user + sys };
  };
  const seconds = (t) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? (Number(m[1]) * 60 + Number(m[2])) * 1000 : NaN;
  };
  const audit = (file) => {
    const out = spawnSync(process.execPath, [cli, 'audit', file, '--json', '--no-progress'], {
      encoding: 'utf8',
    });
    const verdict = JSON.parse(out.stdout).files[0].verdict;
    if (verdict !== 'clean') throw new Error(`${file}: ${verdict} ${out.stdout}`);
  };
  const tiny = join(work, 'tiny.pkl');
  writeFileSync(tiny, Buffer.from([0x80, 0x02, 0x4e, 0x2e]));
  const auditArgv = (file) => [process.execPath, cli, 'audit', file, '--json', '--no-progress'];
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const results = [];
  for (const f of formats) {
    const file = `${pkl}.${f.ext}`;
    audit(file); // verdict check once, outside the timings
    const samples = { audit: [], startup: [], peer: [] };
    for (let i = 0; i < runs; i++) {
      samples.audit.push(measure(auditArgv(file)));
      samples.startup.push(measure(auditArgv(tiny)));
      samples.peer.push(measure([...f.peer, file]));
    }
    const med = (list, key) => median(list.map((x) => x[key]));
    const scanCpu = Math.max(1, med(samples.audit, 'cpu') - med(samples.startup, 'cpu'));
    const scanWall = Math.max(1, med(samples.audit, 'wall') - med(samples.startup, 'wall'));
    const mb = statSync(pkl).size / 1048576;
    const result = {
      format: f.ext,
      uncompressed_mb: Math.round(mb * 10) / 10,
      compressed_mb: Math.round((statSync(file).size / 1048576) * 10) / 10,
      runs,
      peer: f.peer.join(' '),
      audit_scan_cpu_ms: Math.round(scanCpu),
      peer_cpu_ms: Math.round(med(samples.peer, 'cpu')),
      cpu_ratio_audit_vs_peer: Math.round((scanCpu / Math.max(1, med(samples.peer, 'cpu'))) * 10) / 10,
      audit_scan_wall_ms: Math.round(scanWall),
      peer_wall_ms: Math.round(med(samples.peer, 'wall')),
      audit_mb_per_cpu_s: Math.round((mb / (scanCpu / 1000)) * 10) / 10,
    };
    console.log(JSON.stringify(result));
    results.push(result);
  }
  writeFileSync(
    join(here, 'results/audit-decompress.json'),
    JSON.stringify(
      { node: process.version, date: new Date().toISOString(), loadavg: loadavg(), results },
      null,
      2,
    ) + '\n',
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
