import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-runner.js';

// Peer check: xgboost_parity.py trains XGBoost models (Debian's python3-xgboost) with 100 trees on
// 5,000 seeded rows — binary, binary with NaNs and a base_score, multiclass, multi:softmax,
// regression (JSON and UBJSON), Poisson, DART — and saves XGBoost's own predictions. Our CLI
// converts each model and runs it in onnxruntime-node: max absolute error must be ≤ 1e-5.
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'xgboost_parity.py');
const TOLERANCE = 1e-5;
const ONNX_CHECK = 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)';

let dir: string;
let cases: Record<string, { model: string; shape: number[] }>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelops-xgb-parity-'));
  cases = JSON.parse(execFileSync(PYTHON, [SCRIPT, dir], { encoding: 'utf8' })) as typeof cases;
});

describe('XGBoost → ONNX parity with XGBoost itself', () => {
  it.each([
    ['binary', 'probabilities[:, 1]'],
    ['binary-nan', 'probabilities[:, 1]'],
    ['multiclass', 'probabilities'],
    ['multi-softmax', 'label'],
    ['regression', 'variable'],
    ['regression-ubj', 'variable'],
    ['poisson', 'variable'],
    ['dart', 'probabilities[:, 1]'],
  ])('%s: max abs error ≤ 1e-5 on 5,000 rows', async (name, output) => {
    const run = await runCli(
      [
        'convert',
        '--from',
        'xgboost',
        '--input',
        cases[name]!.model,
        '--output',
        `${name}.onnx`,
        '--parity-data',
        `${name}-x.npy`,
        '--reference',
        `${name}-y.npy`,
        '--json',
      ],
      { cwd: dir },
    );
    const parity = run.json?.parity as {
      max_abs_error: number;
      max_rel_error: number;
      rows: number;
      output: string;
      passed: boolean;
    };
    console.log(
      `${name.padEnd(15)} ${parity.output.padEnd(20)} max abs ${parity.max_abs_error.toExponential(2)}  max rel ${parity.max_rel_error.toExponential(2)}`,
    );
    expect(run.exitCode).toBe(0);
    expect(parity).toMatchObject({ rows: 5000, output, passed: true });
    expect(parity.max_abs_error).toBeLessThanOrEqual(TOLERANCE);
    // The onnx package's own checker (full_check runs shape inference) accepts what we wrote.
    execFileSync(PYTHON, ['-c', ONNX_CHECK, join(dir, `${name}.onnx`)]);
  });
});

describe('--from command: a torch.onnx.export exporter', () => {
  it('exports a torch MLP and matches torch on 2,000 rows (max abs error ≤ 1e-5)', async () => {
    const exporter = JSON.stringify([PYTHON, join(dirname(SCRIPT), 'torch_export.py'), '{output}']);
    // The exporter writes the parity features and torch's outputs too; convert reads them after it ran.
    const checked = await runCli(
      [
        'convert',
        '--from',
        'command',
        '--exporter',
        exporter,
        '--output',
        'torch.onnx',
        '--parity-data',
        'torch.onnx.x.npy',
        '--reference',
        'torch.onnx.y.npy',
        '--json',
      ],
      { cwd: dir },
    );
    const parity = checked.json?.parity as { max_abs_error: number; rows: number; passed: boolean };
    console.log(`torch mlp       probabilities        max abs ${parity.max_abs_error.toExponential(2)}`);
    expect(checked.exitCode, checked.stderr).toBe(0);
    expect(parity).toMatchObject({ rows: 2000, passed: true });
    expect(parity.max_abs_error).toBeLessThanOrEqual(TOLERANCE);
  });
});
