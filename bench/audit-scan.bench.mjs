// audit on a large synthetic PyTorch zip (small data.pkl, one big stored tensor payload), side by
// side with `cat FILE >/dev/null` and `sha256sum FILE` in the same run. audit reads the central
// directory, local headers, data.pkl and 4 KiB heads of tensor members, so its cost follows pickle
// and header bytes, not the payload. Env: BENCH_AUDIT_MB (default 2048), BENCH_AUDIT_RUNS (3).
// Needs the build (npm run build). Writes bench/results/audit-scan.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const cli = join(root, 'bin/modelops.js');
if (!existsSync(join(root, 'dist/cli.js'))) throw new Error('run npm run build first');
const sizeMb = Number(process.env.BENCH_AUDIT_MB ?? 2048);
const runs = Number(process.env.BENCH_AUDIT_RUNS ?? 3);
const payloadBytes = sizeMb * 1024 * 1024;

// A torch-style pickle: OrderedDict with one _rebuild_tensor_v2 call over a persistent storage id.
const pickle = Buffer.from(
  '800263636f6c6c656374696f6e730a4f726465726564446963740a7100295271015800000000' + '71022e',
  'hex',
);

const work = mkdtempSync(join(tmpdir(), 'modelops-audit-bench-'));
const file = join(work, 'model.pt');
try {
  const chunk = Buffer.alloc(16 * 1024 * 1024, 0x3f);
  let crc = 0;
  for (let done = 0; done < payloadBytes; done += chunk.length)
    crc = crc32(chunk.subarray(0, Math.min(chunk.length, payloadBytes - done)), crc);
  const members = [
    {
      name: 'archive/data.pkl',
      size: pickle.length,
      crc: crc32(pickle),
      write: (fd) => writeSync(fd, pickle),
    },
    {
      name: 'archive/data/0',
      size: payloadBytes,
      crc,
      write: (fd) => {
        for (let done = 0; done < payloadBytes; done += chunk.length)
          writeSync(fd, chunk, 0, Math.min(chunk.length, payloadBytes - done));
      },
    },
    {
      name: 'archive/version',
      size: 2,
      crc: crc32(Buffer.from('3\n')),
      write: (fd) => writeSync(fd, Buffer.from('3\n')),
    },
  ];
  const fd = openSync(file, 'w');
  let offset = 0;
  const central = [];
  for (const m of members) {
    const name = Buffer.from(m.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(m.crc >>> 0, 14);
    local.writeUInt32LE(m.size, 18);
    local.writeUInt32LE(m.size, 22);
    local.writeUInt16LE(name.length, 26);
    writeSync(fd, local);
    writeSync(fd, name);
    m.write(fd);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt32LE(m.crc >>> 0, 16);
    cen.writeUInt32LE(m.size, 20);
    cen.writeUInt32LE(m.size, 24);
    cen.writeUInt16LE(name.length, 28);
    cen.writeUInt32LE(offset, 42);
    central.push(cen, name);
    offset += 30 + name.length + m.size;
  }
  const cd = Buffer.concat(central);
  writeSync(fd, cd);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(members.length, 8);
  eocd.writeUInt16LE(members.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  writeSync(fd, eocd);
  closeSync(fd);

  const tiny = join(work, 'tiny.pkl');
  writeFileSync(tiny, Buffer.from([0x80, 0x02, 0x4e, 0x2e]));
  const tools = {
    'modelops audit': () => {
      const out = spawnSync(process.execPath, [cli, 'audit', file, '--json', '--no-progress'], {
        encoding: 'utf8',
      });
      if (out.status !== 0) throw new Error(`audit exited ${out.status}: ${out.stderr}${out.stdout}`);
      return JSON.parse(out.stdout).verdict;
    },
    // The same CLI on a 3-byte pickle: Node start-up and module loading, to subtract.
    'modelops audit (start-up only)': () => {
      const out = spawnSync(process.execPath, [cli, 'audit', tiny, '--json', '--no-progress'], {
        encoding: 'utf8',
      });
      return JSON.parse(out.stdout).verdict;
    },
    'cat FILE >/dev/null': () => execFileSync('sh', ['-c', 'cat "$1" >/dev/null', 'sh', file]),
    sha256sum: () => execFileSync('sha256sum', [file]),
  };
  tools.sha256sum(); // warm the page cache: every tool reads from memory
  const samples = Object.fromEntries(Object.keys(tools).map((k) => [k, []]));
  for (let i = 0; i < runs; i++)
    for (const [name, run] of Object.entries(tools)) {
      const start = performance.now();
      const verdict = run();
      if (name.startsWith('modelops') && verdict !== 'clean') throw new Error(`verdict ${verdict}`);
      samples[name].push(performance.now() - start);
    }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const audit = median(samples['modelops audit']);
  const startup = median(samples['modelops audit (start-up only)']);
  const scanOnly = Math.max(1, audit - startup);
  const results = Object.entries(samples).map(([tool, s]) => ({
    tool,
    size_mb: sizeMb,
    runs,
    median_wall_ms: Math.round(median(s)),
    ratio_vs_audit_wall: Math.round((median(s) / audit) * 10) / 10,
    ratio_vs_audit_scan_only: Math.round((median(s) / scanOnly) * 10) / 10,
  }));
  for (const r of results) console.log(JSON.stringify(r));
  writeFileSync(
    join(here, 'results/audit-scan.json'),
    JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2) + '\n',
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
