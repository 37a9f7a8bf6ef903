import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModel } from '../../../src/core/onnx/index.js';
import { runCli } from '../../support/cli-runner.js';
import { makeXgboostDocument, stump } from '../../core/convert/xgboost-factory.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelops-convert-'));
  const doc = makeXgboostDocument({ trees: [stump(0, 0.5, -1, 1), stump(1, 0, 0.5, -0.5, false)] });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(doc));
  const rows = [
    [0, -1],
    [1, 1],
    [0.2, 3],
    [0.7, -2],
  ];
  writeFileSync(join(dir, 'x.csv'), 'a,b\n' + rows.map((r) => r.join(',')).join('\n') + '\n');
  writeFileSync(join(dir, 'x3.csv'), 'a,b,c\n' + rows.map((r) => [...r, 0].join(',')).join('\n') + '\n');
  const p = rows.map(([a, b]) => sigmoid((a! < 0.5 ? -1 : 1) + (b! < 0 ? 0.5 : -0.5)));
  writeFileSync(join(dir, 'y.csv'), 'p\n' + p.map((v) => v.toPrecision(9)).join('\n') + '\n');
  writeFileSync(join(dir, 'y-wrong.csv'), 'p\n' + p.map((v) => (v + 0.01).toPrecision(9)).join('\n') + '\n');
  writeFileSync(
    join(dir, 'survival.json'),
    JSON.stringify(makeXgboostDocument({ objective: 'survival:cox' })),
  );
  writeFileSync(join(dir, 'broken.json'), JSON.stringify(doc).slice(0, 100));
  writeFileSync(
    join(dir, 'coef.json'),
    JSON.stringify({ coefficients: [1, 2], intercept: 0.5, task: 'regression' }),
  );
});

describe('modelops convert', () => {
  it('converts an XGBoost model and proves parity: --json has output and parity', async () => {
    const run = await runCli(
      [
        'convert',
        '--from',
        'xgboost',
        '--input',
        'model.json',
        '--output',
        'out/model.onnx',
        '--parity-data',
        'x.csv',
        '--reference',
        'y.csv',
        '--json',
      ],
      { cwd: dir },
    );
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(run.exitCode).toBe(0);
    const parity = run.json!.parity as Record<string, number | boolean | string>;
    expect(run.json).toMatchObject({
      output: 'out/model.onnx',
      conversion: { from: 'xgboost', task: 'binary', trees: 2 },
    });
    expect(parity).toMatchObject({ output: 'probabilities[:, 1]', rows: 4, passed: true, tolerance: 1e-5 });
    expect(parity.max_abs_error).toBeLessThan(1e-6);
    const model = readModel(readFileSync(join(dir, 'out/model.onnx')));
    expect(model.graph!.node[0]!.opType).toBe('TreeEnsembleRegressor');
    expect(model.graph!.output.map((o) => o.name)).toEqual(['label', 'probabilities']);
  });

  it('exits 1 when parity fails, and names the worst rows', async () => {
    const run = await runCli(
      [
        'convert',
        '--from',
        'xgboost',
        '--input',
        'model.json',
        '--output',
        'm.onnx',
        '--parity-data',
        'x.csv',
        '--reference',
        'y-wrong.csv',
      ],
      { cwd: dir },
    );
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/parity FAILED on 4 rows of probabilities\[:, 1\]: max abs error 1\.00e-2/);
    expect(run.stdout).toMatch(/row 0 column 0: expected/);
  });

  it('bad input exits 2 with a clear message: feature count, objective, corrupt file, missing reference', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--input', 'model.json', '--parity-data', 'x3.csv', '--reference', 'y.csv'],
        /parity-data has 3 features per row but the model takes 2/,
      ],
      [
        ['--input', 'survival.json'],
        /objective 'survival:cox' is not supported — supported objectives: .*binary:logistic/,
      ],
      [['--input', 'broken.json'], /broken\.json is neither JSON nor UBJSON/],
      [['--input', 'model.json', '--parity-data', 'x.csv'], /--reference is missing/],
      [['--input', 'nothing.json'], /cannot read --input nothing\.json: ENOENT/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['convert', '--from', 'xgboost', '--output', 'bad.onnx', ...args], {
        cwd: dir,
      });
      expect({ args, exitCode: run.exitCode }).toEqual({ args, exitCode: 2 });
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('converts a linear model next to its input by default', async () => {
    const run = await runCli(['convert', '--from', 'linear', '--input', 'coef.json', '--json'], { cwd: dir });
    expect(run.exitCode).toBe(0);
    expect(run.json).toMatchObject({
      output: 'coef.onnx',
      parity: null,
      conversion: { from: 'linear', features: 2 },
    });
  });
});
