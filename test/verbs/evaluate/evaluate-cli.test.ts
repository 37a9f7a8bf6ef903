import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli-runner.js';
import { linearBinaryCsv, linearModelBytes } from '../../support/models.js';
import { npyBytes, zipBytes } from '../../platform/data/helpers.js';
import { randoms, regressionModelBytes, tempDir } from './helpers.js';

/** The built CLI on real files: ONNX models run by onnxruntime, data read by the streaming readers. */
describe('modelops evaluate (CLI, real files)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir({
      'model.onnx': linearModelBytes(),
      'worse.onnx': linearModelBytes({ weights: [0.4, 0.3, -0.2, 0.1] }),
      'eval.csv': linearBinaryCsv({ rows: 2000, seed: 5, noise: 0.15 }),
    });
  });

  it('--json prints metrics with scikit-learn names, latency, throughput and size', async () => {
    const run = await runCli(['evaluate', '--model', 'model.onnx', '--data', 'eval.csv', '--json'], {
      cwd: dir,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const json = run.json as { task: string; rows: number; metrics: Record<string, number>; verdict: string };
    expect(json).toMatchObject({ task: 'binary', rows: 2000, verdict: 'pass' });
    for (const key of [
      'accuracy',
      'balanced_accuracy',
      'precision',
      'recall',
      'f1',
      'roc_auc',
      'average_precision',
      'log_loss',
      'brier',
      'latency_p50',
      'latency_p95',
      'latency_p99',
      'throughput',
      'size',
    ]) {
      expect(typeof json.metrics[key], key).toBe('number');
    }
    expect(json.metrics.accuracy).toBeGreaterThan(0.75);
  });

  it('a gate failing against --baseline exits 1; terminal text shows the gate', async () => {
    const config = 'version: 1\ngates:\n  - metric: roc_auc\n    max-degradation: "1%"\n';
    await writeFile(join(dir, 'modelops.yaml'), config);
    const fail = await runCli(
      ['evaluate', '--model', 'worse.onnx', '--data', 'eval.csv', '--baseline', 'model.onnx'],
      { cwd: dir },
    );
    expect(fail.exitCode, fail.stderr).toBe(1);
    expect(fail.stdout).toMatch(/worse: fail/);
    expect(fail.stdout).toMatch(/gate fail .*roc_auc .* beyond the allowed degradation/);
    const pass = await runCli(
      ['evaluate', '--model', 'model.onnx', '--data', 'eval.csv', '--baseline', 'worse.onnx', '--json'],
      { cwd: dir },
    );
    expect(pass.exitCode, pass.stderr).toBe(0);
    expect((pass.json as { verdict: string }).verdict).toBe('pass');
    await writeFile(join(dir, 'modelops.yaml'), 'version: 1\n');
  });

  it('--shard then --merge equals the unsharded metrics exactly', async () => {
    const whole = await runCli(
      ['evaluate', '--model', 'model.onnx', '--data', 'eval.csv', '--batch-size', '128', '--json'],
      { cwd: dir },
    );
    for (const i of [1, 2, 3]) {
      const shard = await runCli(
        [
          'evaluate',
          '--model',
          'model.onnx',
          '--data',
          'eval.csv',
          '--batch-size',
          '50',
          '--shard',
          `${i}/3`,
        ],
        { cwd: dir },
      );
      expect(shard.exitCode, shard.stderr).toBe(0);
    }
    const files = [1, 2, 3].map((i) => `.modelops/evaluate-model-shard-${i}-of-3.json`).join(',');
    const merged = await runCli(
      ['evaluate', '--model', 'model.onnx', '--data', 'eval.csv', '--merge', files, '--json'],
      { cwd: dir },
    );
    expect(merged.exitCode, merged.stderr).toBe(0);
    const a = (whole.json as { metrics: Record<string, number> }).metrics;
    const b = (merged.json as { metrics: Record<string, number> }).metrics;
    for (const key of Object.keys(a)) {
      if (/^(latency|throughput)/.test(key)) continue;
      expect(b[key] === a[key], `${key}: ${b[key]} vs ${a[key]}`).toBe(true);
    }
    expect((merged.json as { rows: number }).rows).toBe(2000);
  });

  it('--sessions: one session or several side by side give the same metrics and paired tests', async () => {
    const args = ['evaluate', '--model', 'model.onnx', '--data', 'eval.csv', '--baseline', 'worse.onnx'];
    await writeFile(
      join(dir, 'modelops.yaml'),
      'version: 1\ngates:\n  - metric: roc_auc\n    max-degradation: 0\n    significance: { method: bootstrap }\n' +
        '  - metric: accuracy\n    max-degradation: 0\n    significance: { method: mcnemar }\n',
    );
    const runs = [];
    for (const sessions of ['1', '3']) {
      const run = await runCli([...args, '--batch-size', '64', '--sessions', sessions, '--json'], {
        cwd: dir,
      });
      expect(run.exitCode, run.stderr).toBe(0);
      runs.push(run.json as { rows: number; metrics: Record<string, number>; gates: object[] });
    }
    const [one, three] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(three.rows).toBe(2000);
    const exact = Object.keys(one.metrics).filter((k) => !/^(latency|throughput)/.test(k));
    expect(exact.length).toBeGreaterThan(10);
    for (const key of exact) expect(three.metrics[key], key).toBe(one.metrics[key]);
    // Paired bootstrap and McNemar depend on rows pairing up across models in file order.
    expect(one.gates).toHaveLength(2);
    expect(JSON.stringify(one.gates)).toMatch(/"low":.*"pValue":/);
    expect(three.gates).toEqual(one.gates);
    await writeFile(join(dir, 'modelops.yaml'), 'version: 1\n');
    const bad = await runCli([...args, '--sessions', '0'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim()).toBe(
      'modelops evaluate: error: --sessions 0 is not a whole number from 1 to 64 — pass --sessions 1 for one session with onnxruntime threads, or leave it out for one per core',
    );
  });

  it('NPZ tensor column shared by candidate and baseline: both see every row (same metrics as the CSV)', async () => {
    // One buffer feeds both models here, so it must be copied to each session's thread, not moved.
    const csv = linearBinaryCsv({ rows: 700, seed: 11, noise: 0.15 });
    const rows = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',').map(Number));
    const x = new Float32Array(rows.flatMap((r) => r.slice(0, 4)));
    const label = new Float64Array(rows.map((r) => r[4]!));
    await writeFile(
      join(dir, 'eval.npz'),
      zipBytes([
        { name: 'features.npy', data: npyBytes('<f4', [700, 4], new Uint8Array(x.buffer)) },
        { name: 'label.npy', data: npyBytes('<f8', [700], new Uint8Array(label.buffer)) },
      ]),
    );
    await writeFile(join(dir, 'shared.csv'), csv);
    const results = [];
    for (const data of ['eval.npz', 'shared.csv']) {
      const run = await runCli(
        [
          'evaluate',
          '--model',
          'model.onnx',
          '--data',
          data,
          '--label-column',
          'label',
          '--baseline',
          'worse.onnx',
          '--batch-size',
          '64',
          '--json',
        ],
        { cwd: dir },
      );
      expect(run.exitCode, run.stderr).toBe(0);
      results.push(
        run.json as {
          rows: number;
          metrics: Record<string, number>;
          baseline: { metrics: Record<string, number> };
        },
      );
    }
    const [npz, fromCsv] = results as [(typeof results)[0], (typeof results)[0]];
    expect(npz.rows).toBe(700);
    for (const key of ['accuracy', 'roc_auc', 'log_loss', 'brier']) {
      expect(npz.metrics[key], key).toBe(fromCsv.metrics[key]);
      expect(npz.baseline.metrics[key], `baseline ${key}`).toBe(fromCsv.baseline.metrics[key]);
    }
    expect(npz.metrics.accuracy).not.toBe(npz.baseline.metrics.accuracy);
  });

  it('regression on JSONL', async () => {
    const next = randoms(9);
    const lines = Array.from({ length: 300 }, () => {
      const x = [next(), next()];
      return JSON.stringify({ x1: x[0], x2: x[1], y: 2 * x[0]! - x[1]! + 0.5 + (next() - 0.5) * 0.01 });
    });
    await writeFile(join(dir, 'reg.jsonl'), lines.join('\n') + '\n');
    await writeFile(join(dir, 'reg.onnx'), regressionModelBytes([2, -1], 0.5));
    const run = await runCli(
      [
        'evaluate',
        '--model',
        'reg.onnx',
        '--data',
        'reg.jsonl',
        '--label-column',
        'y',
        '--batch-size',
        '1000',
        '--json',
      ],
      { cwd: dir },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ task: 'regression', rows: 300 });
    expect((run.json as { metrics: Record<string, number> }).metrics.mae).toBeLessThan(0.01);
  });

  it.each([
    [
      'a non-numeric cell',
      'a,b,c,d,label\n0.1,0.2,0.3,0.4,1\n0.1,oops,0.3,0.4,0\n',
      /^modelops evaluate: error: bad\.csv: row 2, column 'b': "oops" is not a number — /,
    ],
    [
      'a missing label column',
      'a,b,c,d\n0.1,0.2,0.3,0.4\n',
      /no label column given for bad\.csv \(columns: a, b, c, d\)/,
    ],
    [
      'a wrong column count',
      'a,b,c,d,label\n0.1,0.2,0.3,0.4,1\n0.1,0.2,0.3,1\n',
      /bad\.csv:3: row has 4 fields but the header has 5 \(no value for column 'label'\) — /,
    ],
    [
      'a row with an extra field',
      'a,b,c,d,label\n0.1,0.2,0.3,0.4,1\n0.1,0.2,0.3,0.4,1,9\n',
      /bad\.csv:3: row has more than 5 fields but the header has 5 \(a field past the last column 'label'\)/,
    ],
    [
      'a missing label value',
      'a,b,c,d,label\n0.1,0.2,0.3,0.4,1\n0.5,0.6,0.7,0.8,\n',
      /^modelops evaluate: error: bad\.csv: row 2, label column 'label': missing is not /,
    ],
    ['an empty file', '', /bad\.csv is empty — write a header row naming the columns/],
    ['a header only', 'a,b,c,d,label\n', /bad\.csv has no data rows — /],
    [
      'the wrong feature count',
      'a,b,c,label\n0.1,0.2,0.3,1\n',
      /3 value\(s\) per row for model input 'features'.*takes 4/,
    ],
  ])('%s: one line naming it, exit 2', async (_what, csv, message) => {
    await writeFile(join(dir, 'bad.csv'), csv);
    const run = await runCli(['evaluate', '--model', 'model.onnx', '--data', 'bad.csv'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  it('a dataset from modelops.yaml gives path, label column and features', async () => {
    await mkdir(join(dir, 'cfg'), { recursive: true });
    await writeFile(
      join(dir, 'cfg', 'eval.csv'),
      linearBinaryCsv({ rows: 100, seed: 5, noise: 0.15 })
        .replace('a,b,c,d,label', 'a,b,c,d,churned')
        .replace(/^/, ''),
    );
    await writeFile(
      join(dir, 'cfg', 'modelops.yaml'),
      'version: 1\ndatasets:\n  holdout:\n    path: eval.csv\n    label-column: churned\n    features: [a, b, c, d]\n    task: binary\n',
    );
    await writeFile(join(dir, 'cfg', 'model.onnx'), linearModelBytes());
    const run = await runCli(['evaluate', '--model', 'model.onnx', '--dataset', 'holdout', '--json'], {
      cwd: join(dir, 'cfg'),
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ dataset: 'holdout', task: 'binary', rows: 100 });
  });
});
