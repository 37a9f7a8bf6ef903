import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, type ModelProto } from 'onnx-buf';
import { ModelFormatError } from '../errors.js';

/** Protobuf messages cannot exceed 2 GiB - 1; bigger models must keep tensors in external data. */
export const PROTOBUF_LIMIT = 2 ** 31 - 1;

const REEXPORT = 'export the model again or check that the file is a complete .onnx file';

/**
 * Decodes ONNX ModelProto bytes. Unknown fields are kept, so writeModel(readModel(b)) reproduces
 * the bytes of models written by onnx/PyTorch (pinned by round-trip tests). Throws ModelFormatError
 * (one line) for empty, truncated or non-ONNX bytes and for a model without a graph.
 *
 * @param source names the file in error messages
 */
export function readModel(bytes: Uint8Array, source = 'model'): ModelProto {
  if (bytes.length === 0) {
    throw new ModelFormatError(`${source} is empty (0 bytes), not an ONNX model`, { fix: REEXPORT });
  }
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (error) {
    throw new ModelFormatError(`${source} is not a valid ONNX model (${oneLine(error)})`, {
      fix: REEXPORT,
      cause: error,
    });
  }
  if (!model.graph) {
    // Random bytes and other protobuf messages sometimes decode without error; a model needs a graph.
    throw new ModelFormatError(`${source} is not an ONNX model: it has no graph (${bytes.length} bytes)`, {
      fix: REEXPORT,
    });
  }
  return model;
}

/**
 * Encodes a ModelProto. Throws ModelFormatError when the protobuf would exceed 2 GiB, which no
 * ONNX reader accepts: save such models with saveModelFile, which moves big tensors out.
 */
export function writeModel(model: ModelProto): Uint8Array {
  const bytes = toBinary(ModelProtoSchema, model);
  if (bytes.length > PROTOBUF_LIMIT) {
    throw new ModelFormatError(`model protobuf is ${bytes.length} bytes, over the 2 GiB protobuf limit`, {
      fix: 'save it with saveModelFile and externalData so large tensors go to a separate file',
    });
  }
  return bytes;
}

/** First line of an error's message, so wrapped errors stay one line. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (
    text
      .split(/\r?\n/)
      .find((l) => l.trim() !== '')
      ?.trim() ?? 'unknown error'
  );
}
