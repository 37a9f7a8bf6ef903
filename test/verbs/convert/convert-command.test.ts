import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertModel } from '../../../src/core/convert/index.js';
import { writeModel } from '../../../src/core/onnx/index.js';
import { runCli } from '../../support/cli-runner.js';

// `--from command`: the user's exporter writes the model (here `cp` of a prebuilt ONNX file stands
// in for torch.onnx.export), then convert checks it and proves parity like any conversion.
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelops-convert-command-'));
  const coefficients = { coefficients: [2, -1], intercept: 0.5, task: 'regression' };
  const { model } = convertModel(
    'linear',
    new TextEncoder().encode(JSON.stringify(coefficients)),
    'c',
    'test',
  );
  writeFileSync(join(dir, 'exported.onnx'), writeModel(model));
  writeFileSync(join(dir, 'garbage.bin'), 'not a model');
  writeFileSync(join(dir, 'x.csv'), 'a,b\n1,1\n0,2\n');
  writeFileSync(join(dir, 'y.csv'), 'y\n1.5\n-1.5\n');
});

const convert = (exporter: string, extra: string[] = []) =>
  runCli(['convert', '--from', 'command', '--exporter', exporter, '--output', 'out/model.onnx', ...extra], {
    cwd: dir,
  });

describe('modelops convert --from command', () => {
  it('runs the exporter with {output} filled in, then proves parity on the result', async () => {
    const run = await convert('["cp", "exported.onnx", "{output}"]', [
      '--parity-data',
      'x.csv',
      '--reference',
      'y.csv',
      '--json',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({
      input: 'cp',
      output: 'out/model.onnx',
      conversion: { from: 'command', task: 'exported', features: 2 },
      parity: { output: 'variable', rows: 2, max_abs_error: 0, passed: true },
    });
    expect(run.stderr).toContain('running exporter: cp exported.onnx');
  });

  it('a failing exporter, a result that is not ONNX, or no --exporter exit 2 with a message', async () => {
    const failing = await convert('false');
    expect(failing.exitCode).toBe(2);
    expect(failing.stderr).toMatch(/exporter failed \(exit 1\)/);
    const missing = await convert('no-such-exporter-program {output}');
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/exporter program 'no-such-exporter-program' was not found/);
    const garbage = await convert('cp garbage.bin {output}');
    expect(garbage.exitCode).toBe(2);
    expect(garbage.stderr).not.toMatch(/\n\s+at /);
    const none = await runCli(['convert', '--from', 'command', '--output', 'm.onnx'], { cwd: dir });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/--from command needs --exporter/);
  });

  it('checks the declared inputs and outputs; a mismatch exits 2 and leaves no output file', async () => {
    const ok = await convert('["cp", "exported.onnx", "{output}"]', [
      '--expect-inputs',
      'input: float[N, 2]',
      '--expect-outputs',
      'variable: float[?, 1]',
    ]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    rmSync(join(dir, 'out/model.onnx'));
    const wrong = await convert('["cp", "exported.onnx", "{output}"]', [
      '--expect-inputs',
      'input: float[N, 3]',
      '--expect-outputs',
      'logits: float[N, 1]; variable: int64[N, 1]',
    ]);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(
      /the model does not match its declaration: input 'input' has 2 at axis 1, declared 3; output 'logits' was declared but the model has none \(its outputs: variable\); output 'variable' is float, declared int64/,
    );
    expect(existsSync(join(dir, 'out/model.onnx'))).toBe(false);
    const syntax = await convert('["cp", "exported.onnx", "{output}"]', [
      '--expect-inputs',
      'input float[2]',
    ]);
    expect(syntax.exitCode).toBe(2);
    expect(syntax.stderr).toMatch(/--expect-inputs 'input float\[2\]' is not name: type\[dims\]/);
  });
});
