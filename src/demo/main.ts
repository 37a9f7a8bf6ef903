import { execFile, spawn } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createSession, rowsToTensor } from '../platform/runtime/index.js';
import { GitCli } from '../platform/git/index.js';
import { convertTrees } from './convert-step.js';
import { logisticToOnnx } from './logistic-onnx.js';
import { optimizeStep } from './optimize-step.js';
import { makeChurnData, toCsv } from './sample-data.js';
import { trainLogistic } from './train-logistic.js';
import { tuneStep } from './tune-step.js';

/**
 * `npm run demo`: the main job end to end on an embedded default. Makes its own data and model,
 * a bare git remote with LFS on disk, and runs the real CLI against it, as a user would.
 */
const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, 'cli.js');
const say = (text = '') => process.stdout.write(text + '\n');
const step = (text: string) => say(`\n\x1b[1m▶ ${text}\x1b[0m`);

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'modelops-demo-'));
  // Keep the user's own git configuration out of the demo, and the demo out of it.
  const gitEnv = { GIT_CONFIG_GLOBAL: join(root, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1' };
  await writeFile(
    gitEnv.GIT_CONFIG_GLOBAL,
    '[user]\n\tname = Demo User\n\temail = demo@example.test\n[init]\n\tdefaultBranch = main\n',
  );
  const remote = join(root, 'registry.git');
  const work = join(root, 'work');
  const git = new GitCli({ cwd: root, env: gitEnv });

  step('Sample data and a model trained in TypeScript, written as ONNX by our writer');
  const train = makeChurnData(800, 7);
  const test = makeChurnData(400, 11);
  let model = trainLogistic(train.rows, train.labels, { epochs: 60 });
  say(
    `  trained logistic regression on ${train.rows.length} rows: coefficients ${model.weights.map((w) => w.toFixed(3)).join(', ')}`,
  );
  say(
    `  accuracy on ${test.rows.length} held-out rows, run by onnxruntime-node: ${(await accuracy(logisticToOnnx(model, train.featureNames), test)).toFixed(4)}`,
  );

  step(`A registry: bare git remote with LFS at ${remote}`);
  await git.run(['init', '--quiet', '--bare', remote]);
  await git.run(['clone', '--quiet', pathToFileURL(remote).href, work]);
  const repo = new GitCli({ cwd: work, env: gitEnv });
  await repo.run(['lfs', 'install', '--local']);
  await repo.run(['lfs', 'track', 'models/**/*.onnx']);
  await mkdir(join(work, 'models/churn'), { recursive: true });
  await mkdir(join(work, 'data'), { recursive: true });
  await writeFile(join(work, 'data/churn-test.csv'), toCsv(test));
  await writeFile(
    join(work, 'modelops.yaml'),
    [
      '# yaml-language-server: $schema=https://raw.githubusercontent.com/OWNER/modelops/main/docs/schema/modelops.schema.json',
      'version: 1',
      'models:',
      '  churn:',
      '    path: models/churn/model.onnx',
      '    gates:',
      "      - { metric: roc_auc, max-degradation: '1%' }",
      '      - { metric: accuracy, min: 0.85 }',
      'environments:',
      '  - name: dev',
      '    target: local # deploy smoke-tests the version on the embedded V2 server before tagging',
      '  - name: staging',
      '  - name: production',
      '    requires: { gates: all, audit: clean }',
      '',
    ].join('\n'),
  );
  const commit = async (message: string, bytes: Uint8Array) => {
    await writeFile(join(work, 'models/churn/model.onnx'), bytes);
    await repo.run(['add', '-A']);
    await repo.run(['commit', '--quiet', '-m', message]);
    await repo.run(['push', '--quiet', 'origin', 'main']);
  };
  await commit('Add churn model', logisticToOnnx(model, train.featureNames));
  say('  committed models/churn/model.onnx through Git LFS and pushed');

  step('modelops version --push   (first version)');
  await runCli(['version', '--model', 'models/churn/model.onnx', '--push'], work, gitEnv);

  step('Retrain with more epochs: same signature, new weights → patch');
  model = trainLogistic(train.rows, train.labels, { epochs: 400 });
  say(`  accuracy now ${(await accuracy(logisticToOnnx(model, train.featureNames), test)).toFixed(4)}`);
  await commit('Retrain churn (400 epochs)', logisticToOnnx(model, train.featureNames));
  await runCli(['version', '--model', 'models/churn/model.onnx', '--push'], work, gitEnv);

  step('Expose the logit as a second output: the signature grew → minor');
  await commit('Expose logit', logisticToOnnx(model, train.featureNames, { withLogit: true }));
  await runCli(['version', '--model', 'models/churn/model.onnx', '--push', '--json'], work, gitEnv, {
    format: (json) => {
      const r = JSON.parse(json) as { tag: string; bump: string; changes: string[] };
      return `  --json: tag ${r.tag}, bump ${r.bump}, changes: ${r.changes.join('; ')}`;
    },
  });

  step('Reading the registry');
  await runCli(['registry', 'list'], work, gitEnv);
  await runCli(['registry', 'diff', 'churn@v1.0.1', 'churn@v1.1.0'], work, gitEnv);

  step('evaluate: the candidate against the registered baseline, gated by modelops.yaml');
  const data = ['--data', 'data/churn-test.csv', '--label-column', 'churned'];
  const report = join(root, 'pr-comment.md');
  await runCli(
    [
      'evaluate',
      '--model',
      'models/churn/model.onnx',
      ...data,
      '--baseline',
      'churn@v1.0.0',
      '--summary-file',
      report,
    ],
    work,
    gitEnv,
  );
  say('  The pull-request comment it keeps up to date (first lines):');
  say(
    (await readFile(report, 'utf8'))
      .split('\n')
      .slice(0, 14)
      .map((l) => `  │ ${l}`)
      .join('\n'),
  );

  step('A bad candidate (coefficients flipped) fails its gates: exit 1 blocks the merge');
  const bad = join(root, 'bad-candidate.onnx');
  await writeFile(
    bad,
    logisticToOnnx({ weights: model.weights.map((w) => -w), bias: -model.bias }, train.featureNames),
  );
  await runCli(
    ['evaluate', '--model', bad, '--name', 'churn', ...data, '--baseline', 'churn@v1.1.0'],
    work,
    gitEnv,
    {
      expectExit: 1,
      format: (out) =>
        out
          .split('\n')
          .filter((l) => / fail —|^\s*gate /.test(l))
          .map((l) => `  ${l}`)
          .join('\n'),
    },
  );

  step(
    'optimize: every pass and combination measured against the model, the smallest inside the budget kept',
  );
  await optimizeStep({ root, say, runCli: (args) => runCli(args, work, gitEnv) });

  step('audit: the model is clean; a pickle that would run os.system is caught without being executed');
  const sample = join(root, 'suspicious-model.pkl');
  await writeFile(sample, maliciousPickle());
  await runCli(['audit', 'models', sample], work, gitEnv, { expectExit: 1 });

  step(
    'convert: gradient-boosted trees trained in TypeScript, saved as XGBoost JSON, into ONNX with parity proven',
  );
  await convertTrees(root, train, test, (args) => runCli(args, work, gitEnv), say);

  step('deploy: v1.0.1, then v1.1.0, through dev → staging → production, with evidence for production');
  const evaluation = join(root, 'evaluation.json');
  const evaluation101 = join(root, 'evaluation-v1.0.1.json');
  const audit = join(root, 'audit.json');
  const audit101 = join(root, 'audit-v1.0.1.json');
  const v101 = join(root, 'churn-v1.0.1.onnx');
  await writeFile(v101, logisticToOnnx(model, train.featureNames)); // the bytes registered as v1.0.1
  const evaluate = (file: string, saveTo: string) =>
    runCli(
      ['evaluate', '--model', file, '--name', 'churn', ...data, '--baseline', 'churn@v1.0.0', '--json'],
      work,
      gitEnv,
      {
        saveTo,
      },
    );
  await evaluate('models/churn/model.onnx', evaluation);
  await evaluate(v101, evaluation101);
  await runCli(['audit', 'models', '--json'], work, gitEnv, { saveTo: audit });
  await runCli(['audit', v101, '--json'], work, gitEnv, { saveTo: audit101 });
  const deploy = (args: string[], expectExit = 0) =>
    runCli(['deploy', '--model', 'churn', ...args, '--push'], work, gitEnv, { expectExit });
  await deploy(['--version', 'v1.0.1', '--to', 'dev']);
  await deploy(['--to', 'staging']);
  await deploy(['--to', 'production', '--evidence', evaluation101, '--evidence', audit101]);
  await deploy(['--version', 'v1.1.0', '--to', 'dev']);
  await deploy(['--version', 'v1.1.0', '--to', 'production'], 2);
  await deploy(['--to', 'staging']);
  await deploy(['--to', 'production', '--evidence', evaluation, '--evidence', audit]);
  await runCli(['registry', 'list'], work, gitEnv);

  step('serve: what production holds answers one KServe V2 infer request, then stops on SIGTERM');
  await serveOnce(work, gitEnv, 'churn@v1.1.0', test.rows[0]!);

  step('rollback: production goes back to the version it held before, as a new tag (history kept)');
  await runCli(['deploy', '--model', 'churn', '--rollback', '--to', 'production', '--push'], work, gitEnv);
  await runCli(['registry', 'show', 'churn'], work, gitEnv, {
    format: (out) => out.slice(out.indexOf('deployments of churn:')).trimEnd().replace(/^/gm, '  '),
  });

  step(
    'tune: search the training script’s hyperparameters — 8 trials, 2 at a time, a journal to resume from',
  );
  await tuneStep({
    dir: join(root, 'tune'),
    train,
    valid: test,
    say,
    runCli: (args, cwd) => runCli(args, cwd, gitEnv),
  });

  step('The registry as the remote sees it (GTO-compatible annotated tags, LFS objects)');
  const tags = await git.run(['ls-remote', '--tags', pathToFileURL(remote).href]);
  for (const line of tags.split('\n').filter((l) => l && !l.endsWith('^{}')))
    say(`  ${line.split('refs/tags/')[1]}`);
  say(`  LFS objects in the remote: ${await countFiles(join(remote, 'lfs/objects'))}`);
  const message = await repo.run(['tag', '-l', '--format=%(contents:subject)', 'churn@v1.1.0']);
  say(`  churn@v1.1.0 says: "${message.trim()}" (+ JSON evidence: sha256, signature, actor, commit)`);

  say(`\nDone. Explore it: cd ${work} && git tag -n20`);
}

/** Starts `modelops serve` on a free port, sends one infer request, prints the answer, stops it. */
async function serveOnce(
  cwd: string,
  env: Record<string, string>,
  model: string,
  row: number[],
): Promise<void> {
  say(`  $ modelops serve --model ${model} --port 0`);
  const child = spawn(process.execPath, [cli, 'serve', '--model', model, '--port', '0'], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  let log = '';
  const url = await new Promise<string>((done, fail) => {
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const match = /at (http:\/\/\S+?)\/v2\/models\//.exec(log);
      if (match) done(match[1]!);
    });
    void exited.then(() => fail(new Error(`modelops serve exited before listening: ${log.trim()}`)));
  });
  say(`  ${log.trim()}`);
  const request = { inputs: [{ name: 'features', shape: [1, row.length], datatype: 'FP32', data: row }] };
  say(`  POST ${url}/v2/models/churn/infer ${JSON.stringify(request)}`);
  const response = await fetch(`${url}/v2/models/churn/infer`, {
    method: 'POST',
    body: JSON.stringify(request),
  });
  const answer = (await response.json()) as { outputs?: { name: string; data: number[] }[] };
  say(`  → HTTP ${response.status} ${JSON.stringify(answer)}`);
  const probability = answer.outputs?.find((o) => o.name === 'churn_probability')?.data[0];
  if (response.status !== 200 || probability === undefined)
    throw new Error('modelops serve gave no prediction');
  say(`  churn probability for that customer: ${probability.toFixed(4)}`);
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`modelops serve exited ${code} on SIGTERM: ${log.trim()}`);
  say(`  stopped (exit ${code})`);
}

async function accuracy(model: Uint8Array, data: { rows: number[][]; labels: number[] }): Promise<number> {
  const session = await createSession(model, { source: 'demo model' });
  try {
    const out = await session.run({ features: rowsToTensor(data.rows, 'float') });
    const probabilities = out.churn_probability!.data as Float32Array;
    const correct = data.labels.filter((label, i) => (probabilities[i]! >= 0.5 ? 1 : 0) === label).length;
    return correct / data.labels.length;
  } finally {
    await session.release();
  }
}

function runCli(
  args: string[],
  cwd: string,
  env: Record<string, string>,
  options: { format?: (stdout: string) => string; expectExit?: number; saveTo?: string } = {},
): Promise<void> {
  say(`  $ modelops ${args.map((a) => (a.startsWith('/') ? a.replace(/^.*\//, '…/') : a)).join(' ')}`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
        if (stderr.trim()) process.stderr.write(stderr.replace(/^/gm, '  '));
        if (code !== (options.expectExit ?? 0)) {
          return reject(new Error(`modelops ${args[0]} exited ${code}: ${stderr.trim() || stdout.trim()}`));
        }
        if (options.saveTo) {
          writeFile(options.saveTo, stdout).then(() => {
            say(`  (--json result saved as ${options.saveTo!.replace(/^.*\//, '')})`);
            resolve();
          }, reject);
          return;
        }
        say(options.format ? options.format(stdout) : stdout.trimEnd().replace(/^/gm, '  '));
        if (code !== 0) say(`  (exit ${code}, as expected)`);
        resolve();
      },
    );
  });
}

/**
 * A pickle whose loading would call os.system('echo pwned'), written byte by byte (protocol 2):
 * PROTO 2, GLOBAL 'os system', the argument, TUPLE1, REDUCE, STOP. Never loaded — only audited.
 */
function maliciousPickle(): Uint8Array {
  const text = (s: string) => [...Buffer.from(s, 'latin1')];
  const argument = 'echo pwned';
  return Uint8Array.from([
    0x80,
    2,
    ...text('cos\nsystem\n'),
    0x58,
    argument.length,
    0,
    0,
    0,
    ...text(argument),
    0x85,
    0x52,
    0x2e,
  ]);
}

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).length;
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
