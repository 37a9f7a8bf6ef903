// What a main-thread session (createSession) and a worker-thread one (createWorkerSession) must do
// alike; session.test.ts and worker-session.test.ts each run these against their own kind.
import { afterAll, beforeAll, expect } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelFormatError } from '../../../src/core/errors.js';
import { buildModel, makeNode } from '../../../src/core/onnx/builder.js';
import { writeModel } from '../../../src/core/onnx/model-codec.js';
import type { CreateSession } from '../../../src/platform/runtime/session.js';
import { makeMlp } from '../../core/onnx/models.js';
import { rejection } from '../../support/rejection.js';

/** A temporary folder made before the file's tests and removed after them; call the result for its path. */
export function suiteTempDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error('suiteTempDir: the folder exists only while tests run');
    return dir;
  };
}

/** float16 goes in and comes out as Uint16Array bit patterns (on every Node version), and casts to float. */
export async function expectFloat16RoundTrip(create: CreateSession): Promise<void> {
  const model = buildModel({
    inputs: [{ name: 'h', elementType: 'float16', shape: [3] }],
    outputs: [
      { name: 'same', elementType: 'float16', shape: [3] },
      { name: 'f', elementType: 'float', shape: [3] },
    ],
    nodes: [makeNode('Identity', ['h'], ['same']), makeNode('Cast', ['h'], ['f'], { to: { int: 1 } })],
  });
  const runtime = await create(writeModel(model));
  const bits = new Uint16Array([0x3c00, 0xc000, 0x3555]); // 1, -2, 0.33325
  const { same, f } = await runtime.run({ h: { elementType: 'float16', dims: [3], data: bits } });
  expect(same!.data).toBeInstanceOf(Uint16Array);
  expect(same!.data).toEqual(bits);
  expect(Array.from(same!.data as Uint16Array)).toEqual([0x3c00, 0xc000, 0x3555]);
  expect(Array.from(f!.data as Float32Array)).toEqual([1, -2, 0.333251953125]);
  await runtime.release();
}

/**
 * A truncated model, a file that is not ONNX and an empty one each fail to load with a one-line
 * ModelFormatError that names the model and the fix. `dir` is a scratch folder for the bad file.
 */
export async function expectLoadFailures(create: CreateSession, dir: string): Promise<void> {
  const bytes = writeModel(makeMlp());
  const truncated = await rejection(create(bytes.subarray(0, bytes.length - 7), { source: 'cut.onnx' }));
  expect(truncated).toBeInstanceOf(ModelFormatError);
  expect(truncated.message).toMatch(
    /^onnxruntime cannot load cut\.onnx: .+ — the file is truncated or not ONNX/,
  );
  const path = join(dir, 'garbage.onnx');
  await writeFile(path, 'this is not a model');
  const garbage = await rejection(create(path));
  expect(garbage).toBeInstanceOf(ModelFormatError);
  expect(garbage.message).toContain('garbage.onnx');
  expect(garbage.message).toContain('the file is truncated or not ONNX');
  const empty = await rejection(create(new Uint8Array(0), { source: 'empty.onnx' }));
  expect(empty).toBeInstanceOf(ModelFormatError);
  expect(empty.message).toBe('empty.onnx is empty (0 bytes), not an ONNX model — export the model again');
}
