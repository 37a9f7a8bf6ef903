import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractSignature, readModel, writeModel } from '../../src/core/onnx/index.js';
import { logisticToOnnx } from '../../src/demo/logistic-onnx.js';
import { createSession } from '../../src/platform/runtime/index.js';
import { makeLinearClassifierZipMap, makeLogisticRegression, makeMlp } from '../core/onnx/models.js';
import { linearModelBytes } from '../support/models.js';

const PYTHON = '/usr/bin/python3';
const script = join(import.meta.dirname, 'onnx_peer.py');
const peer = (command: string, dir: string) =>
  JSON.parse(execFileSync(PYTHON, [script, command, dir], { encoding: 'utf8', timeout: 300_000 })) as Record<
    string,
    string
  >;

describe('peers: the onnx checker and torch exports', () => {
  it('every model our writer produces passes onnx.checker (full_check where onnx can infer it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelops-onnx-check-'));
    const models: Record<string, Uint8Array> = {
      'logistic.onnx': writeModel(makeLogisticRegression()),
      'mlp.onnx': writeModel(makeMlp(5)),
      'structural-zipmap-classifier.onnx': writeModel(makeLinearClassifierZipMap()),
      'version-fixture.onnx': linearModelBytes({ extraOutput: true }),
      'demo-logistic.onnx': logisticToOnnx(
        { weights: [0.1, -0.2, 0.3, 0.4], bias: 0.5 },
        ['a', 'b', 'c', 'd'],
        { withLogit: true },
      ),
    };
    for (const [name, bytes] of Object.entries(models)) writeFileSync(join(dir, name), bytes);
    const verdicts = peer('check', dir);
    console.log('onnx.checker verdicts:', verdicts);
    expect(verdicts).toEqual(Object.fromEntries(Object.keys(models).map((name) => [name, 'ok'])));
  });

  it('torch exports round-trip byte-identically and keep torch’s outputs in onnxruntime-node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelops-torch-'));
    console.log('exported with', peer('export', dir));
    for (const name of ['mlp', 'cnn']) {
      const original = readFileSync(join(dir, `${name}.onnx`));
      const model = readModel(original, `${name}.onnx`);
      const rewritten = writeModel(model);
      expect(Buffer.from(rewritten).equals(original), `${name} byte-identical`).toBe(true);
      const signature = extractSignature(model);
      expect(signature.inputs.map((i) => [i.name, i.shape?.[0]])).toEqual([['input', 'batch']]);

      const sample = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as {
        input: number[];
        input_dims: number[];
        output: number[];
      };
      const session = await createSession(rewritten, { source: name });
      const out = await session.run({
        input: { elementType: 'float', dims: sample.input_dims, data: Float32Array.from(sample.input) },
      });
      await session.release();
      const got = Array.from(out.output!.data as Float32Array);
      const worst = Math.max(...got.map((v, i) => Math.abs(v - sample.output[i]!)));
      console.log(`${name}: ${got.length} outputs, max |onnxruntime − torch| = ${worst.toExponential(2)}`);
      expect(got).toHaveLength(sample.output.length);
      expect(worst).toBeLessThan(1e-5);
    }
  });
});
