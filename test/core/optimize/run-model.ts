import { writeModel, type ModelProto } from '../../../src/core/onnx/index.js';
import { createSession, type RuntimeTensor } from '../../../src/platform/runtime/index.js';

/** Runs a model in onnxruntime-node and returns every output. */
export async function runModel(
  model: ModelProto,
  feeds: Record<string, RuntimeTensor>,
): Promise<Record<string, RuntimeTensor>> {
  const session = await createSession(writeModel(model), { source: 'test model' });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** Largest absolute difference between two float outputs. */
export function maxAbsDiff(a: RuntimeTensor, b: RuntimeTensor): number {
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  return worst;
}
