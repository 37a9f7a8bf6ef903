// What the optimize peer tests share: reading numpy's reference arrays, running a model once,
// and the error measure their tolerances are stated in.
import { expect } from 'vitest';
import { writeModel, type ModelProto } from '../../src/core/onnx/index.js';
import { parseNpyHeader } from '../../src/platform/data/npy-header.js';
import { createSession, flatValues, type RuntimeTensor } from '../../src/platform/runtime/index.js';

/** A float32 .npy file's shape and values. */
export function readNpy(bytes: Uint8Array): { dims: number[]; data: Float32Array } {
  const header = parseNpyHeader(bytes, 'npy');
  const copy = bytes.slice(header.headerBytes);
  return { dims: header.shape, data: new Float32Array(copy.buffer, 0, copy.byteLength / 4) };
}

/** The first output of one onnxruntime run of `model`. */
export async function runFirstOutput(
  model: ModelProto,
  feeds: Record<string, RuntimeTensor>,
): Promise<RuntimeTensor> {
  const session = await createSession(writeModel(model));
  try {
    return (await session.run(feeds))[session.outputNames[0]!]!;
  } finally {
    await session.release();
  }
}

/** Largest |a − b| relative to the largest |b|: the tolerances are stated in these terms. */
export function relativeError(actual: RuntimeTensor, expected: RuntimeTensor): number {
  const a = flatValues(actual) as number[];
  const b = flatValues(expected) as number[];
  expect(a.length).toBe(b.length);
  const scale = Math.max(1e-6, ...b.map(Math.abs));
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!))) / scale;
}
