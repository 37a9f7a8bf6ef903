import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { ModelProto } from 'onnx-buf';
import { ModelFormatError, UsageError } from '../errors.js';
import { createAtomicFile, writeFileAtomic, type AtomicFile } from './atomic-file.js';
import { externalTensors, loadExternalData } from './external-data-load.js';
import { planExternalData, moveToExternal } from './external-data-save.js';
import { assertSafeLocation, resolveLocation } from './external-location.js';
import { PROTOBUF_LIMIT, readModel, writeModel } from './model-codec.js';

/** Options for {@link loadModelFile}. */
export interface LoadModelOptions {
  /** Read external tensor data into memory (default true, like onnx.load). Locations are validated either way. */
  loadExternalData?: boolean;
}

/** Reads and decodes a .onnx file; external data is resolved relative to the file's directory. */
export async function loadModelFile(path: string, options: LoadModelOptions = {}): Promise<ModelProto> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read model file '${path}' (${error.code ?? error.message})`, {
      fix: 'check the --model path points at an existing .onnx file',
      cause: error,
    });
  });
  const model = readModel(bytes, `'${path}'`);
  if (options.loadExternalData === false)
    externalTensors(model); // validates locations
  else await loadExternalData(model, dirname(resolve(path)));
  return model;
}

/** Options for {@link saveModelFile}. */
export interface SaveModelOptions {
  /**
   * Store initializers of at least `threshold` bytes (default 1024) in `location`, a path relative
   * to the model's directory. Without it, tensors still move to `<model file>.data` when the
   * protobuf would otherwise exceed the 2 GiB limit.
   */
  externalData?: { location: string; threshold?: number };
  /** Protobuf size limit in bytes; only tests lower it (default 2 GiB - 1). */
  maxProtobufBytes?: number;
}

/** What {@link saveModelFile} wrote. */
export interface SavedModel {
  modelBytes: number;
  externalDataBytes: number;
  externalTensors: number;
}

/**
 * Encodes and writes a model atomically (temp file + rename), moving large tensors to an external
 * data file when asked or when needed to stay under the protobuf limit. The in-memory model is
 * left unchanged.
 */
export async function saveModelFile(
  path: string,
  model: ModelProto,
  options: SaveModelOptions = {},
): Promise<SavedModel> {
  const modelPath = resolve(path);
  const modelDir = dirname(modelPath);
  const limit = options.maxProtobufBytes ?? PROTOBUF_LIMIT;
  // Leave a tenth of the limit for graph structure, names and attributes.
  const budget = Math.floor(limit * 0.9);
  const location = options.externalData?.location ?? `${basename(modelPath)}.data`;
  const threshold = options.externalData ? (options.externalData.threshold ?? 1024) : Infinity;
  const plan = planExternalData(model, { threshold, budget });
  // A location the caller chose is checked even when no tensor qualifies: it is still a bad input.
  if (options.externalData || plan.length > 0) {
    assertSafeLocation(location);
    if (resolveLocation(modelDir, location) === modelPath) {
      throw new UsageError(`external data location '${location}' is the model file itself`, {
        fix: 'choose another file name, e.g. model.onnx.data',
      });
    }
  }
  await assertKeptReferencesExist(model, modelDir, plan.length > 0 ? location : undefined);

  let dataFile: AtomicFile | undefined;
  let restore = (): void => undefined;
  try {
    if (plan.length > 0) {
      const dataPath = resolveLocation(modelDir, location);
      await mkdir(dirname(dataPath), { recursive: true });
      dataFile = await createAtomicFile(dataPath);
      restore = await moveToExternal(plan, location, dataFile);
    }
    let bytes: Uint8Array;
    try {
      bytes = writeModel(model);
    } finally {
      restore();
    }
    if (bytes.length > limit) {
      throw new ModelFormatError(`model protobuf is ${bytes.length} bytes, over the ${limit}-byte limit`, {
        fix: 'lower externalData.threshold so more tensors move to the external data file',
      });
    }
    await dataFile?.commit();
    await writeFileAtomic(modelPath, bytes);
    return { modelBytes: bytes.length, externalDataBytes: dataFile?.size ?? 0, externalTensors: plan.length };
  } catch (error) {
    await dataFile?.abort();
    throw error;
  }
}

/**
 * Tensors still pointing at external files (loaded with loadExternalData: false) keep their
 * references, which is only correct when those files sit next to the destination too.
 */
async function assertKeptReferencesExist(
  model: ModelProto,
  modelDir: string,
  newLocation: string | undefined,
): Promise<void> {
  for (const { tensor, ref } of externalTensors(model)) {
    if (ref.location === newLocation) {
      throw new UsageError(
        `external data location '${newLocation}' is still referenced by tensor '${tensor.name}'`,
        {
          fix: 'load the model with loadExternalData: true, or choose another location',
        },
      );
    }
    const exists = await stat(resolveLocation(modelDir, ref.location)).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!exists) {
      throw new ModelFormatError(
        `tensor '${tensor.name}' references external data '${ref.location}', which is not in ${modelDir}`,
        {
          fix: 'load the model with loadExternalData: true before saving it elsewhere',
        },
      );
    }
  }
}
