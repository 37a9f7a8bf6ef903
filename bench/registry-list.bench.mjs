// Registry listing at scale (GTO takes 6–12 s for 1,500 tags, gto#156): a repository with 2,000
// annotated registry tags made by `git fast-import` — 20 models × 80 versions whose tag messages
// carry modelops evidence, plus 400 counted stage tags with tagger dates shuffled against the
// counters. Times, side by side in the same run (median of BENCH_RUNS, default 15):
//   git for-each-ref refs/tags                      the floor: git walking the refs
//   git for-each-ref --format=%(contents) refs/tags git reading every tag object too
//   node -e ""                                      the runtime's own startup
//   modelops registry list --no-fetch --json        the whole CLI, end to end, as a child process
// Prints the ratios and writes bench/results/registry-list.json. Needs a build (npm run build).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin/modelops.js');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const MODELS = 20;
const VERSIONS = 80;
const STAGE_TAGS = 20;
if (!existsSync(join(root, 'dist/cli.js'))) throw new Error('dist/ is missing: run npm run build first');

const repo = mkdtempSync(join(tmpdir(), 'modelops-bench-registry-'));
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const git = (args, input) => execFileSync('git', args, { cwd: repo, env, input, maxBuffer: 1 << 28 });

try {
  git(['init', '-q', '--initial-branch=main']);
  git(['fast-import', '--quiet'], fastImportStream());
  // A clone or `git gc` leaves refs packed; measure that layout.
  git(['pack-refs', '--all']);
  const tagCount = git(['for-each-ref', 'refs/tags']).toString().trim().split('\n').length;
  if (tagCount !== MODELS * (VERSIONS + STAGE_TAGS)) throw new Error(`expected 2000 tags, got ${tagCount}`);

  const listing = spawnSync(process.execPath, [cli, 'registry', 'list', '--no-fetch', '--json'], {
    cwd: repo,
    env,
    encoding: 'utf8',
  });
  const result = JSON.parse(listing.stdout);
  if (result.models?.length !== MODELS) throw new Error(`registry list saw ${result.models?.length} models`);

  const ms = {
    'git for-each-ref refs/tags': median('git', ['for-each-ref', 'refs/tags']),
    'git for-each-ref --format=%(contents) refs/tags': median('git', [
      'for-each-ref',
      '--format=%(refname)%00%(contents)',
      'refs/tags',
    ]),
    'node -e ""': median(process.execPath, ['-e', '']),
    'modelops registry list --no-fetch --json': median(process.execPath, [
      cli,
      'registry',
      'list',
      '--no-fetch',
      '--json',
    ]),
  };
  const floor = ms['git for-each-ref refs/tags'];
  const startup = ms['node -e ""'];
  for (const [name, t] of Object.entries(ms)) {
    console.log(
      `${name.padEnd(50)} ${t.toFixed(1).padStart(7)} ms   ${(t / floor).toFixed(1)}× for-each-ref`,
    );
  }
  const ours = ms['modelops registry list --no-fetch --json'];
  console.log(
    `modelops over (node startup + for-each-ref with contents): ${(ours - startup - ms['git for-each-ref --format=%(contents) refs/tags']).toFixed(1)} ms; budget 300 ms: ${ours < 300 ? 'met' : 'MISSED'}`,
  );
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    join(root, 'bench/results/registry-list.json'),
    JSON.stringify(
      {
        node: process.version,
        git: execFileSync('git', ['--version'], { encoding: 'utf8' }).trim(),
        runs,
        tags: tagCount,
        models: MODELS,
        ms,
        ratio: Object.fromEntries(Object.entries(ms).map(([k, t]) => [k, Number((t / floor).toFixed(2))])),
      },
      null,
      2,
    ) + '\n',
  );
} finally {
  rmSync(repo, { recursive: true, force: true });
}

function median(cmd, args) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: repo, env, encoding: 'utf8', maxBuffer: 1 << 28 });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

// One commit per version index (models share them), then every tag, in fast-import's language.
function fastImportStream() {
  const out = [];
  // `data N` then the bytes; the newline join() adds after them is fast-import's optional LF.
  const data = (text) => `data ${Buffer.byteLength(text)}\n${text}`;
  const base = 1_767_225_600; // 2026-01-01T00:00:00Z
  for (let j = 0; j < VERSIONS; j++) {
    out.push(
      'commit refs/heads/main',
      `mark :${j + 1}`,
      `committer bench <bench@example.test> ${base + j * 60} +0000`,
      data(`train ${j}`),
      'M 644 inline models/weights.txt',
      data(`weights ${j}`),
    );
  }
  const tag = (name, mark, seconds, message) =>
    out.push(
      `tag ${name}`,
      `from :${mark}`,
      `tagger bench <bench@example.test> ${seconds} +0000`,
      data(message),
    );
  for (let m = 0; m < MODELS; m++) {
    const model = `model-${String(m).padStart(2, '0')}`;
    for (let j = 0; j < VERSIONS; j++) {
      const version = `${1 + Math.floor(j / 20)}.${j % 20}.0`;
      const evidence = {
        schema: 1,
        kind: 'register',
        model,
        version: `v${version}`,
        sha256: (m * 1000 + j).toString(16).padStart(64, '0'),
        size: 1_000_000 + j,
        format: 'onnx',
        signature: {
          inputs: [{ name: 'features', kind: 'tensor', elementType: 'float', shape: ['batch', 16] }],
          outputs: [{ name: 'probability', kind: 'tensor', elementType: 'float', shape: ['batch', 1] }],
          opsets: [{ domain: '', version: 17 }],
        },
        bump: j === 0 ? 'initial' : 'minor',
        changes: [],
        actor: 'bench',
        commit: '0'.repeat(40),
        created_at: new Date((base + j * 60) * 1000).toISOString(),
      };
      tag(
        `${model}@v${version}`,
        j + 1,
        base + j * 60,
        `Register ${model} v${version}\n\nmodelops-evidence: ${JSON.stringify(evidence)}\n`,
      );
    }
    for (let n = 1; n <= STAGE_TAGS; n++) {
      const stage = n % 2 ? 'staging' : 'production';
      // Dates run backwards against the counters: order must come from the counter.
      tag(`${model}#${stage}#${n}`, 40 + n, base + 100_000 - n * 60, `Assign ${model} to ${stage}\n`);
    }
  }
  return out.join('\n') + '\n';
}
