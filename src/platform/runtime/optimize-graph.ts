import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { TypeProto_TensorSchema, TypeProtoSchema, ValueInfoProtoSchema } from 'onnx-buf';
import { readModel, writeModel, type ModelProto } from '../../core/onnx/index.js';
import type { CalibrationFeed } from '../../core/optimize/pass.js';
import { createSession } from './session.js';

/**
 * onnxruntime's offline graph optimization: loads the model at `level` with
 * optimizedModelFilePath set, so onnxruntime writes the graph it would run, and returns those
 * bytes. Levels basic and extended are portable; `all` depends on the CPU and is not offered.
 */
export async function optimizeGraphWithOrt(
  model: Uint8Array,
  level: 'basic' | 'extended',
): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'modelops-graph-'));
  try {
    const out = join(dir, 'optimized.onnx');
    const session = await createSession(model, {
      optimization: level,
      optimizedModelPath: out,
      source: 'model',
    });
    await session.release();
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs a model on each feed and returns the float values of the named tensors (inputs,
 * intermediates or outputs), for calibration: the names become extra graph outputs of a copy.
 */
export async function observeWithOrt(
  model: ModelProto,
  feeds: readonly CalibrationFeed[],
  tensorNames: readonly string[],
): Promise<Map<string, Float32Array[]>> {
  const copy = readModel(writeModel(model));
  const graph = copy.graph!;
  const outputs = new Set(graph.output.map((o) => o.name));
  const inputs = new Set(graph.input.map((i) => i.name));
  for (const name of tensorNames) {
    if (outputs.has(name) || inputs.has(name)) continue;
    const type = create(TypeProtoSchema, {
      value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType: 1 }) },
    });
    graph.output.push(create(ValueInfoProtoSchema, { name, type }));
  }
  const session = await createSession(writeModel(copy), { source: 'calibration model' });
  const seen = new Map<string, Float32Array[]>(tensorNames.map((n) => [n, []]));
  try {
    for (const feed of feeds) {
      const runtimeFeeds = Object.fromEntries(
        Object.entries(feed).map(([name, t]) => [
          name,
          { elementType: elementTypeOf(t.data), dims: t.dims, data: t.data },
        ]),
      );
      const wanted = tensorNames.filter((n) => !inputs.has(n));
      const result = wanted.length > 0 ? await session.run(runtimeFeeds, wanted) : {};
      for (const name of tensorNames) {
        const source = inputs.has(name) ? runtimeFeeds[name] : result[name];
        const data = source?.data;
        seen
          .get(name)!
          .push(data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>));
      }
    }
  } finally {
    await session.release();
  }
  return seen;
}

function elementTypeOf(data: CalibrationFeed[string]['data']): string {
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  return 'float';
}
