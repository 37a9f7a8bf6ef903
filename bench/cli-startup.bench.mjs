// CLI startup, side by side with bare `node -e ""` in the same run: `modelops --help`,
// `modelops version --help` and a real `modelops version --dry-run` (a verb that runs no model)
// on a small repository. Prints median wall times and the ratio to bare node; writes JSON.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin/modelops.js');
const runs = Number(process.env.BENCH_RUNS ?? 21);

const repo = mkdtempSync(join(tmpdir(), 'modelops-bench-'));
const git = (...args) =>
  execFileSync('git', args, { cwd: repo, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
git('init', '-q');
git('config', 'user.email', 'b@example.test');
git('config', 'user.name', 'bench');
mkdirSync(join(repo, 'models/m'), { recursive: true });
// A small non-ONNX payload keeps this a measurement of startup, git and hashing, not of parsing.
writeFileSync(join(repo, 'models/m/model.bin'), 'weights'.repeat(100));
git('add', '-A');
git('commit', '-qm', 'm');

function median(cmd, args, cwd = root) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const node = median(process.execPath, ['-e', '']);
const meta = { node: process.version, runs };
const results = {
  'node -e ""': node,
  'modelops --help': median(process.execPath, [cli, '--help']),
  'modelops version --help': median(process.execPath, [cli, 'version', '--help']),
  'modelops version --dry-run (tiny repo)': median(
    process.execPath,
    [cli, 'version', '--model', 'models/m/model.bin', '--name', 'm', '--dry-run'],
    repo,
  ),
};
for (const [name, ms] of Object.entries(results)) {
  console.log(`${name.padEnd(42)} ${ms.toFixed(1).padStart(7)} ms   ${(ms / node).toFixed(2)}× bare node`);
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(
  join(root, 'bench/results/cli-startup.json'),
  JSON.stringify({ ...meta, ms: results }, null, 2) + '\n',
);
