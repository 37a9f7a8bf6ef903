import { describe, it, expect } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelFormatError, UsageError } from '../../../src/core/errors.js';
import { buildModel, makeNode } from '../../../src/core/onnx/builder.js';
import { writeModel } from '../../../src/core/onnx/model-codec.js';
import { saveModelFile } from '../../../src/core/onnx/model-file.js';
import { createSession } from '../../../src/platform/runtime/session.js';
import { flatValues, rowsToTensor } from '../../../src/platform/runtime/runtime-tensor.js';
import {
  LINEAR,
  logisticRegressionExpected,
  makeLinearClassifier,
  makeLinearClassifierZipMap,
  makeLogisticRegression,
  makeMlp,
  mlpExpected,
} from '../../core/onnx/models.js';
import { rejection } from '../../support/rejection.js';
import { expectFloat16RoundTrip, expectLoadFailures, suiteTempDir } from './session-contract.js';

const ROWS = [
  [0, 0, 0],
  [1, 2, 3],
  [-1.5, 0.25, 0.75],
  [10, -3, 0.5],
];

const tempDir = suiteTempDir('modelops-runtime-');

describe('createSession', () => {
  it('runs a logistic regression built in TypeScript to the expected probabilities', async () => {
    const runtime = await createSession(writeModel(makeLogisticRegression()));
    expect(runtime.inputNames).toEqual(['x']);
    expect(runtime.outputNames).toEqual(['p']);
    expect(runtime.inputs).toEqual([
      { name: 'x', isTensor: true, elementType: 'float', shape: ['batch', 3] },
    ]);
    const { p } = await runtime.run({ x: rowsToTensor(ROWS) });
    expect(p!.dims).toEqual([4, 1]);
    const expected = logisticRegressionExpected(ROWS);
    expect(expected[0]).toBeCloseTo(0.52497918747894, 12); // sigmoid(0.1), by hand
    Array.from(p!.data as Float32Array).forEach((v, i) =>
      expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-6),
    );
    await runtime.release();
  });

  it('runs a Gemm MLP from a file path', async () => {
    const path = join(tempDir(), 'mlp.onnx');
    await saveModelFile(path, makeMlp());
    const runtime = await createSession(path);
    const rows = [
      [1, 2, 3, 4],
      [-1, 0.5, 2, -3],
      [0, 0, 0, 0],
    ];
    const { probabilities } = await runtime.run({ features: rowsToTensor(rows) });
    const expected = mlpExpected(rows).flat();
    Array.from(probabilities!.data as Float32Array).forEach((v, i) =>
      expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-6),
    );
    await runtime.release();
  });

  it('runs a model whose weights live in external data with the same outputs', async () => {
    const model = makeMlp(512);
    const rows = [
      [1, 2, 3, 4],
      [0.5, -0.5, 0.25, -0.25],
    ];
    const inline = await createSession(writeModel(model));
    const expected = (await inline.run({ features: rowsToTensor(rows) })).probabilities!.data;
    await mkdir(join(tempDir(), 'external'));
    const path = join(tempDir(), 'external', 'mlp.onnx');
    const saved = await saveModelFile(path, model, {
      externalData: { location: 'mlp.onnx.data', threshold: 1024 },
    });
    expect(saved.externalTensors).toBe(3);
    const external = await createSession(path);
    const actual = (await external.run({ features: rowsToTensor(rows) })).probabilities!.data;
    expect(Array.from(actual as Float32Array)).toEqual(Array.from(expected as Float32Array));
    await Promise.all([inline.release(), external.release()]);
  });

  it('runs ai.onnx.ml LinearClassifier: labels and softmax scores', async () => {
    const runtime = await createSession(writeModel(makeLinearClassifier()));
    const rows = [
      [1, 2],
      [3, -1],
      [-2, -2],
    ];
    const { label, scores } = await runtime.run({ X: rowsToTensor(rows) });
    const expectedScores = rows.map(([a, b]) => {
      const z = [0, 1, 2].map(
        (c) =>
          LINEAR.coefficients[c * 2]! * a! + LINEAR.coefficients[c * 2 + 1]! * b! + LINEAR.intercepts[c]!,
      );
      const e = z.map(Math.exp);
      return e.map((v) => v / e.reduce((s, x) => s + x, 0));
    });
    Array.from(scores!.data as Float32Array).forEach((v, i) =>
      expect(Math.abs(v - expectedScores.flat()[i]!)).toBeLessThan(1e-6),
    );
    const expectedLabels = expectedScores.map((s) => LINEAR.labels[s.indexOf(Math.max(...s))]);
    expect(flatValues(label!)).toEqual(expectedLabels);
    await runtime.release();
  });

  it('loads a ZipMap model, returns its tensor outputs and refuses the sequence-of-maps output', async () => {
    const runtime = await createSession(writeModel(makeLinearClassifierZipMap()), { source: 'zipmap.onnx' });
    expect(runtime.outputs.map((o) => [o.name, o.isTensor])).toEqual([
      ['label', true],
      ['probabilities', false],
    ]);
    const outputs = await runtime.run({ X: rowsToTensor([[1, 2]]) });
    expect(Object.keys(outputs)).toEqual(['label']);
    expect(flatValues(outputs.label!)).toEqual([20]);
    const error = await rejection(runtime.run({ X: rowsToTensor([[1, 2]]) }, ['probabilities']));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/zipmap\.onnx: output 'probabilities' is a sequence or map/);
    await runtime.release();
  });

  it('feeds and fetches float16 as Uint16Array bit patterns on every Node version', async () => {
    await expectFloat16RoundTrip(createSession);
  });

  it('wraps load failures of corrupt or truncated models as one-line ModelFormatErrors', async () => {
    await expectLoadFailures(createSession, tempDir());
  });

  it('reports a missing model file as a usage error', async () => {
    const error = await rejection(createSession(join(tempDir(), 'missing.onnx')));
    expect(error).toBeInstanceOf(UsageError);
    expect(error).not.toBeInstanceOf(ModelFormatError);
    expect(error.message).toMatch(/model file '.*missing\.onnx' does not exist — check the --model path/);
  });

  it('reports an unknown operator as a ModelFormatError naming the fix', async () => {
    const model = buildModel({
      inputs: [{ name: 'x', elementType: 'float', shape: [1] }],
      outputs: [{ name: 'y', elementType: 'float', shape: [1] }],
      nodes: [makeNode('NoSuchOp', ['x'], ['y'])],
    });
    const error = await rejection(createSession(writeModel(model)));
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(error.message).toMatch(
      /NoSuchOp.* — export the model with operators and an opset onnxruntime 1.30 supports/,
    );
  });

  it('refuses missing or unknown feeds and wrong shapes as usage errors', async () => {
    const runtime = await createSession(writeModel(makeLogisticRegression()), { source: 'logreg.onnx' });
    expect((await rejection(runtime.run({}))).message).toBe(
      "logreg.onnx: input 'x' was not fed — feed exactly these inputs: x",
    );
    expect((await rejection(runtime.run({ x: rowsToTensor(ROWS), y: rowsToTensor(ROWS) }))).message).toMatch(
      /'y' is not an input/,
    );
    const shape = await rejection(runtime.run({ x: rowsToTensor([[1, 2]]) }));
    expect(shape).toBeInstanceOf(UsageError);
    expect(shape.message).toMatch(
      /^onnxruntime failed to run logreg\.onnx: .* — check that the inputs match/,
    );
    await runtime.release();
  });
});
