import { describe, it, expect } from 'vitest';
import { create, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, TensorProtoSchema } from 'onnx-buf';
import { ModelFormatError } from '../../../src/core/errors.js';
import { readModel, writeModel } from '../../../src/core/onnx/model-codec.js';
import { makeLinearClassifierZipMap, makeLogisticRegression, makeMlp } from './models.js';

function expectOneLineFormatError(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ModelFormatError);
  const message = (caught as Error).message;
  expect(message).not.toContain('\n');
  expect(message).toMatch(pattern);
}

describe('readModel / writeModel', () => {
  it.each([
    ['logistic regression', makeLogisticRegression],
    ['Gemm MLP', () => makeMlp()],
    ['LinearClassifier + ZipMap', makeLinearClassifierZipMap],
  ])('round-trips the %s byte for byte', (_name, make) => {
    const bytes = writeModel(make());
    const again = writeModel(readModel(bytes));
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });

  it('keeps fields it does not know (written by a newer ONNX) when re-encoding', () => {
    const known = writeModel(makeLogisticRegression());
    // Field 99, wire type 2 (length-delimited), 3 bytes: what a future ModelProto field looks like.
    // The tag (99 << 3 | 2 = 794) is the varint 0x9a 0x06.
    const future = Uint8Array.from([...known, 0x9a, 0x06, 3, 0x61, 0x62, 0x63]);
    expect(Buffer.from(writeModel(readModel(future))).equals(Buffer.from(future))).toBe(true);
  });

  it('decodes what it encoded', () => {
    const model = readModel(writeModel(makeLogisticRegression()), 'logreg.onnx');
    expect(model.producerName).toBe('modelops');
    expect(model.graph?.node.map((n) => n.opType)).toEqual(['MatMul', 'Add', 'Sigmoid']);
    expect(model.graph?.initializer.map((t) => t.name)).toEqual(['W', 'b']);
  });

  it('refuses an empty file with a one-line message naming it', () => {
    expectOneLineFormatError(
      () => readModel(new Uint8Array(0), "'empty.onnx'"),
      /'empty\.onnx' is empty \(0 bytes\).* — export the model again/,
    );
  });

  it('refuses random bytes', () => {
    // A fixed pseudo-random sequence keeps the test deterministic.
    let seed = 42;
    const noise = Uint8Array.from(
      { length: 4096 },
      () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff,
    );
    expectOneLineFormatError(
      () => readModel(noise, 'noise.bin'),
      /noise\.bin is not (a valid )?(an )?ONNX model/,
    );
  });

  it('refuses a truncated model', () => {
    const bytes = writeModel(makeMlp());
    for (const cut of [1, 10, bytes.length / 2, bytes.length - 1]) {
      expectOneLineFormatError(
        () => readModel(bytes.subarray(0, Math.floor(cut)), 'cut.onnx'),
        /cut\.onnx is not/,
      );
    }
  });

  it('refuses a model without a graph, and other protobuf messages', () => {
    const noGraph = toBinary(
      ModelProtoSchema,
      create(ModelProtoSchema, { irVersion: 8n, producerName: 'x' }),
    );
    expectOneLineFormatError(
      () => readModel(noGraph, 'nograph.onnx'),
      /nograph\.onnx is not an ONNX model: it has no graph/,
    );
    const tensor = toBinary(
      TensorProtoSchema,
      create(TensorProtoSchema, { dims: [2n], dataType: 1, floatData: [1, 2] }),
    );
    expectOneLineFormatError(() => readModel(tensor, 'input_0.pb'), /input_0\.pb is not/);
  });

  it('refuses text that is not protobuf', () => {
    expectOneLineFormatError(
      () => readModel(new TextEncoder().encode('{"not": "onnx"}\n'), 'model.json'),
      /model\.json is not/,
    );
  });
});
