import { open, realpath, type FileHandle } from 'node:fs/promises';
import { clearField } from '@bufbuild/protobuf';
import { TensorProtoSchema, type ModelProto, type TensorProto } from 'onnx-buf';
import { ModelFormatError } from '../errors.js';
import { escapes, externalDataRef, resolveLocation, type ExternalDataRef } from './external-location.js';
import { isExternal } from './tensor-data.js';
import { allTensors } from './walk-tensors.js';

/** External tensors of a model with their validated references (throws ModelFormatError if unsafe). */
export function externalTensors(model: ModelProto): { tensor: TensorProto; ref: ExternalDataRef }[] {
  return [...allTensors(model, { attributes: true })]
    .filter(isExternal)
    .map((tensor) => ({ tensor, ref: externalDataRef(tensor) }));
}

/**
 * Reads every external tensor's bytes into raw_data and marks it inline, so the model is
 * self-contained in memory. Locations are validated before any file is opened, and symlinks that
 * lead out of the model directory are refused too (a checked-in symlink is as dangerous as '..').
 */
export async function loadExternalData(model: ModelProto, modelDir: string): Promise<void> {
  const byFile = new Map<string, { tensor: TensorProto; ref: ExternalDataRef }[]>();
  for (const item of externalTensors(model)) {
    const list = byFile.get(item.ref.location) ?? [];
    list.push(item);
    byFile.set(item.ref.location, list);
  }
  if (byFile.size === 0) return;
  const realDir = await realpath(modelDir);
  for (const [location, items] of byFile) {
    const path = resolveLocation(modelDir, location);
    const real = await realpath(path).catch((error: unknown) => {
      throw new ModelFormatError(
        `external data file '${location}' of tensor '${items[0]?.tensor.name}' is missing`,
        {
          fix: `put '${location}' beside the model file (git lfs pull if it is tracked by LFS)`,
          cause: error,
        },
      );
    });
    if (escapes(realDir, real)) {
      throw new ModelFormatError(`external data file '${location}' links outside the model directory`, {
        fix: 'replace the symlink with the data file itself',
      });
    }
    const handle = await open(real, 'r');
    try {
      const { size } = await handle.stat();
      for (const { tensor, ref } of items) {
        const length = ref.length ?? size - ref.offset;
        if (ref.offset + length > size) {
          throw new ModelFormatError(
            `tensor '${tensor.name}' needs bytes ${ref.offset}..${ref.offset + length} of '${location}', which has ${size}`,
            { fix: 'the external data file is truncated or stale; export the model again' },
          );
        }
        const data = new Uint8Array(length);
        await readFully(handle, data, ref.offset);
        tensor.rawData = data;
        tensor.externalData = [];
        clearField(tensor, TensorProtoSchema.field.dataLocation);
      }
    } finally {
      await handle.close();
    }
  }
}

/** One read() may return fewer bytes than asked (and caps near 2 GiB), so loop until full. */
async function readFully(handle: FileHandle, into: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const chunk = Math.min(into.length - done, 1 << 30);
    const { bytesRead } = await handle.read(into, done, chunk, position + done);
    if (bytesRead === 0)
      throw new ModelFormatError(`external data ended early at byte ${position + done}`, {
        fix: 'export the model again',
      });
    done += bytesRead;
  }
}
