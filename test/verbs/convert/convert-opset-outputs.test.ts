// convert --opset (upgrade before writing, refused when it cannot hold) and parity per output: an
// NPZ reference with one array per model output, each compared with its own tolerance.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModel } from '../../../src/core/onnx/index.js';
import { runCli } from '../../support/cli-runner.js';
import { makeXgboostDocument, stump } from '../../core/convert/xgboost-factory.js';
import { npyBytes, zipBytes } from '../../platform/data/helpers.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const bytes = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
let dir: string;

const rows = [
  [0, -1],
  [1, 1],
  [0.2, 3],
  [0.7, -2],
  [0.9, 0.5],
];

function reference(name: string, probabilities: Float64Array, labels: BigInt64Array): void {
  const npz = zipBytes([
    { name: 'probabilities.npy', data: npyBytes('<f8', [rows.length, 2], bytes(probabilities)) },
    { name: 'label.npy', data: npyBytes('<i8', [rows.length], bytes(labels)) },
  ]);
  writeFileSync(join(dir, name), npz);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelops-convert-opset-'));
  const doc = makeXgboostDocument({ trees: [stump(0, 0.5, -1, 1), stump(1, 0, 0.5, -0.5, false)] });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(doc));
  writeFileSync(join(dir, 'x.csv'), 'a,b\n' + rows.map((r) => r.join(',')).join('\n') + '\n');
  const p = rows.map(([a, b]) => sigmoid((a! < 0.5 ? -1 : 1) + (b! < 0 ? 0.5 : -0.5)));
  const probabilities = Float64Array.from(p.flatMap((v) => [1 - v, v]));
  const labels = BigInt64Array.from(p, (v) => (v > 0.5 ? 1n : 0n));
  reference('ref.npz', probabilities, labels);
  const flipped = labels.map((l, i) => (i === 3 ? 1n - l : l));
  reference('ref-bad-label.npz', probabilities, flipped);
});

const convert = (args: string[]) =>
  runCli(['convert', '--from', 'xgboost', '--input', 'model.json', ...args, '--json'], { cwd: dir });

describe('convert --opset', () => {
  it('upgrades the converted model and says what it rewrote; parity still holds', async () => {
    const run = await convert([
      '--output',
      'up.onnx',
      '--opset',
      '21',
      '--parity-data',
      'x.csv',
      '--reference',
      'ref.npz',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    const before = readModel(readFileSync(join(dir, 'up.onnx')));
    expect(before.opsetImport.find((o) => o.domain === '')!.version).toBe(21n);
    expect(before.irVersion).toBe(10n);
    const conversion = run.json!.conversion as { opset: { to: number; from: number } };
    expect(conversion.opset.to).toBe(21);
    expect(conversion.opset.from).toBeLessThan(21);
    expect(run.stderr).toMatch(/opset \d+ → 21/);
  });

  it('a downgrade or an unknown opset exits 2 and writes nothing', async () => {
    for (const [opset, message] of [
      ['3', /downgrading to 3 is not supported/],
      ['40', /opset 40 is newer than the newest this version knows \(23\)/],
    ] as const) {
      const run = await convert(['--output', `never-${opset}.onnx`, '--opset', opset]);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(() => readFileSync(join(dir, `never-${opset}.onnx`))).toThrow(/ENOENT/);
    }
  });
});

describe('parity per output', () => {
  it('compares every output named in an NPZ reference, each with its own tolerance', async () => {
    const run = await convert([
      '--output',
      'per-output.onnx',
      '--parity-data',
      'x.csv',
      '--reference',
      'ref.npz',
      '--tolerance',
      '1e-6, label=0',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    const parity = run.json!.parity as {
      passed: boolean;
      outputs: Array<{ output: string; tolerance: number; passed: boolean; max_abs_error: number }>;
    };
    expect(parity.passed).toBe(true);
    expect(parity.outputs.map((o) => [o.output, o.tolerance, o.passed])).toEqual([
      ['probabilities', 1e-6, true],
      ['label', 0, true],
    ]);
    expect(parity.outputs[1]!.max_abs_error).toBe(0);
    expect(parity.outputs[0]!.max_abs_error).toBeLessThan(1e-6);
  });

  it('one wrong label fails the label output alone, exit 1, with its row', async () => {
    const run = await convert([
      '--output',
      'bad-label.onnx',
      '--parity-data',
      'x.csv',
      '--reference',
      'ref-bad-label.npz',
      '--tolerance',
      'label=0',
    ]);
    expect(run.exitCode).toBe(1);
    const parity = run.json!.parity as {
      passed: boolean;
      output: string;
      worst_rows: Array<{ row: number }>;
      outputs: Array<{ output: string; passed: boolean }>;
    };
    expect(parity.outputs.map((o) => [o.output, o.passed])).toEqual([
      ['probabilities', true],
      ['label', false],
    ]);
    expect(parity.passed).toBe(false);
    expect(parity.worst_rows.map((w) => w.row)).toEqual([3]);
  });

  it('a tolerance for an output the model does not have exits 2 naming the outputs', async () => {
    const run = await convert([
      '--output',
      'unknown.onnx',
      '--parity-data',
      'x.csv',
      '--reference',
      'ref.npz',
      '--tolerance',
      'proba=1e-3',
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(
      /--tolerance names proba, which the model does not output — name the model's outputs: label, probabilities/,
    );
    const bad = await convert([
      '--output',
      'x.onnx',
      '--parity-data',
      'x.csv',
      '--reference',
      'ref.npz',
      '--tolerance',
      'label=-1',
    ]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--tolerance 'label=-1': 'label=-1' is not a tolerance/);
  });
});
