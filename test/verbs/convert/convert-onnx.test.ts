import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertModel } from '../../../src/core/convert/index.js';
import { getMetadataValue, loadModelFile, writeModel } from '../../../src/core/onnx/index.js';
import { runCli } from '../../support/cli-runner.js';

// `--from onnx`: ONNX to ONNX — metadata stamped, large tensors moved to external data on request.
const FEATURES = 400; // 1,600 bytes of float32 coefficients: above the 1 KiB external-data threshold
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelops-convert-onnx-'));
  const coefficients = Array.from({ length: FEATURES }, (_, i) => (i % 7) - 3);
  const doc = { coefficients, intercept: 1, task: 'regression' };
  const { model } = convertModel('linear', new TextEncoder().encode(JSON.stringify(doc)), 'c', 'test');
  writeFileSync(join(dir, 'in.onnx'), writeModel(model));
  const row = Array.from({ length: FEATURES }, (_, i) => (i % 3) / 2);
  const expected = 1 + row.reduce((sum, v, i) => sum + v * coefficients[i]!, 0);
  writeFileSync(join(dir, 'x.csv'), row.map((_, i) => `f${i}`).join(',') + '\n' + row.join(',') + '\n');
  writeFileSync(join(dir, 'y.csv'), `y\n${expected}\n`);
});

describe('modelops convert --from onnx', () => {
  it('moves large tensors to external data, stamps metadata, and parity runs the result', async () => {
    const run = await runCli(
      [
        'convert',
        '--from',
        'onnx',
        '--input',
        'in.onnx',
        '--output',
        'out/model.onnx',
        '--external-data',
        'model.onnx.data',
        '--parity-data',
        'x.csv',
        '--reference',
        'y.csv',
        '--json',
      ],
      { cwd: dir },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({
      conversion: { from: 'onnx', features: FEATURES },
      parity: { rows: 1, passed: true },
    });
    expect(readFileSync(join(dir, 'out/model.onnx.data')).length).toBe(FEATURES * 4);
    const model = await loadModelFile(join(dir, 'out/model.onnx'));
    expect(getMetadataValue(model, 'modelops.source_format')).toBe('onnx');
    expect(getMetadataValue(model, 'modelops.source_sha256')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('embeds tensors by default', async () => {
    const run = await runCli(['convert', '--from', 'onnx', '--input', 'in.onnx', '--output', 'e.onnx'], {
      cwd: dir,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(existsSync(join(dir, 'e.onnx.data'))).toBe(false);
  });
});
