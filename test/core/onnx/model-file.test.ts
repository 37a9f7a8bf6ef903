import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringStringEntryProtoSchema, TensorProto_DataLocation, type ModelProto } from 'onnx-buf';
import { ModelFormatError, UsageError } from '../../../src/core/errors.js';
import { makeTensor } from '../../../src/core/onnx/builder.js';
import { setMetadata } from '../../../src/core/onnx/metadata.js';
import { writeModel } from '../../../src/core/onnx/model-codec.js';
import { loadModelFile, saveModelFile } from '../../../src/core/onnx/model-file.js';
import { rejection } from '../../support/rejection.js';
import { makeLogisticRegression, makeMlp } from './models.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelops-onnx-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Points the model's first initializer at `location` as an exporter would. */
function pointAt(model: ModelProto, location: string, offset = '0'): ModelProto {
  const t = model.graph!.initializer[0]!;
  t.rawData = new Uint8Array(0);
  t.dataLocation = TensorProto_DataLocation.EXTERNAL;
  t.externalData = [
    create(StringStringEntryProtoSchema, { key: 'location', value: location }),
    create(StringStringEntryProtoSchema, { key: 'offset', value: offset }),
    create(StringStringEntryProtoSchema, { key: 'length', value: '12' }),
  ];
  return model;
}

describe('loadModelFile / saveModelFile', () => {
  it('writes exactly writeModel bytes, atomically, leaving no temp files', async () => {
    const model = makeLogisticRegression();
    const path = join(dir, 'model.onnx');
    const saved = await saveModelFile(path, model);
    expect(Buffer.from(await readFile(path)).equals(Buffer.from(writeModel(model)))).toBe(true);
    expect(saved).toEqual({ modelBytes: (await stat(path)).size, externalDataBytes: 0, externalTensors: 0 });
    expect(await readdir(dir)).toEqual(['model.onnx']);
    expect(writeModel(await loadModelFile(path))).toEqual(writeModel(model));
  });

  it('moves initializers over the threshold to external data and loads them back', async () => {
    const model = makeMlp(512);
    const before = writeModel(model);
    const path = join(dir, 'mlp.onnx');
    const saved = await saveModelFile(path, model, {
      externalData: { location: 'weights/mlp.bin', threshold: 1024 },
    });
    expect(saved.externalTensors).toBe(3); // W1 (8 KiB), B1 (2 KiB), W2 (4 KiB); B2 stays inline
    expect(saved.modelBytes).toBeLessThan(1024);
    expect((await stat(join(dir, 'weights/mlp.bin'))).size).toBe(saved.externalDataBytes);
    expect(Buffer.from(writeModel(model)).equals(Buffer.from(before))).toBe(true); // caller's model untouched

    const lazy = await loadModelFile(path, { loadExternalData: false });
    const w1 = lazy.graph!.initializer[0]!;
    expect(w1.dataLocation).toBe(TensorProto_DataLocation.EXTERNAL);
    expect(Object.fromEntries(w1.externalData.map((e) => [e.key, e.value]))).toEqual({
      location: 'weights/mlp.bin',
      offset: '0',
      length: '8192',
    });

    const loaded = await loadModelFile(path);
    expect(Buffer.from(writeModel(loaded)).equals(Buffer.from(before))).toBe(true);
  });

  it('moves the largest tensors out on its own when the protobuf would exceed the limit', async () => {
    const model = makeMlp(2000); // W1 is 32 KB, W2 16 KB
    const path = join(dir, 'big.onnx');
    const saved = await saveModelFile(path, model, { maxProtobufBytes: 30_000 });
    expect(saved.externalTensors).toBe(1);
    expect(saved.modelBytes).toBeLessThan(30_000);
    expect((await readdir(dir)).sort()).toEqual(['big.onnx', 'big.onnx.data']);
    expect(writeModel(await loadModelFile(path))).toEqual(writeModel(model));
  });

  it('keeps external references when re-saving next to the data, and refuses elsewhere', async () => {
    const path = join(dir, 'mlp.onnx');
    await saveModelFile(path, makeMlp(512), { externalData: { location: 'mlp.bin', threshold: 1024 } });
    const lazy = await loadModelFile(path, { loadExternalData: false });
    setMetadata(lazy, { stage: 'staging' });
    await saveModelFile(path, lazy);
    expect((await loadModelFile(path)).metadataProps.map((e) => e.value)).toEqual(['staging']);

    await mkdir(join(dir, 'other'));
    const error = await rejection(saveModelFile(join(dir, 'other/mlp.onnx'), lazy));
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(error.message).toMatch(
      /references external data 'mlp.bin', which is not in .*other — load the model with loadExternalData: true/,
    );
  });

  it.each([
    '../secret.bin',
    '/etc/passwd',
    'sub/../../secret.bin',
    'C:\\Windows\\secret.bin',
    '\\\\server\\share\\x',
  ])('refuses external data location %s with a one-line ModelFormatError', async (location) => {
    const path = join(dir, 'evil.onnx');
    await writeFile(path, writeModel(pointAt(makeLogisticRegression(), location)));
    for (const loadExternalData of [true, false]) {
      const error = await rejection(loadModelFile(path, { loadExternalData }));
      expect(error).toBeInstanceOf(ModelFormatError);
      expect(error.message).toContain(
        `tensor 'W' has external data location '${location}' outside the model directory`,
      );
    }
    const saving = await rejection(
      saveModelFile(join(dir, 'out.onnx'), makeMlp(512), { externalData: { location, threshold: 1 } }),
    );
    expect(saving).toBeInstanceOf(ModelFormatError);
    expect(await readdir(dir)).toEqual(['evil.onnx']); // nothing half-written
  });

  it('refuses a data file that is a symlink leading out of the model directory', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'modelops-outside-'));
    try {
      await writeFile(join(outside, 'secret.bin'), new Uint8Array(12));
      await symlink(join(outside, 'secret.bin'), join(dir, 'weights.bin'));
      const path = join(dir, 'model.onnx');
      await writeFile(path, writeModel(pointAt(makeLogisticRegression(), 'weights.bin')));
      const error = await rejection(loadModelFile(path));
      expect(error).toBeInstanceOf(ModelFormatError);
      expect(error.message).toMatch(/external data file 'weights.bin' links outside the model directory/);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('reports missing and truncated external data files', async () => {
    const path = join(dir, 'model.onnx');
    await writeFile(path, writeModel(pointAt(makeLogisticRegression(), 'weights.bin', '4')));
    expect((await rejection(loadModelFile(path))).message).toMatch(
      /external data file 'weights.bin' of tensor 'W' is missing — put 'weights.bin' beside the model file/,
    );
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(10));
    const short = await rejection(loadModelFile(path));
    expect(short).toBeInstanceOf(ModelFormatError);
    expect(short.message).toMatch(/tensor 'W' needs bytes 4..16 of 'weights.bin', which has 10/);
  });

  it('reports a missing model file as a usage error and a corrupt one as a format error', async () => {
    const missing = await rejection(loadModelFile(join(dir, 'nope.onnx')));
    expect(missing).toBeInstanceOf(UsageError);
    expect(missing.message).toMatch(/cannot read model file '.*nope\.onnx' \(ENOENT\)/);
    await writeFile(join(dir, 'empty.onnx'), '');
    expect(await rejection(loadModelFile(join(dir, 'empty.onnx')))).toBeInstanceOf(ModelFormatError);
  });

  it('refuses to put external data on the model file itself', async () => {
    const error = await rejection(
      saveModelFile(join(dir, 'm.onnx'), makeMlp(512), { externalData: { location: 'm.onnx' } }),
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(await readdir(dir)).toEqual([]);
  });

  it('decodes typed-field initializers into raw external data', async () => {
    const model = makeLogisticRegression();
    const w = model.graph!.initializer[0]!;
    model.graph!.initializer[0] = Object.assign(makeTensor('W', new Float32Array(3), [3, 1]), {
      rawData: new Uint8Array(0),
      floatData: [0.5, -1, 2],
    });
    expect(w.name).toBe('W');
    const path = join(dir, 'typed.onnx');
    await saveModelFile(path, model, { externalData: { location: 'typed.bin', threshold: 12 } });
    expect(new Float32Array((await readFile(join(dir, 'typed.bin'))).buffer.slice(0, 12))).toEqual(
      new Float32Array([0.5, -1, 2]),
    );
    expect(model.graph!.initializer[0]!.floatData).toEqual([0.5, -1, 2]); // restored after saving
  });
});
