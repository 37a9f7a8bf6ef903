import { typedArrayFor, type RuntimeTensor } from '../platform/runtime/runtime-tensor.js';
import { InferRequestError, type CheckedInput } from './infer-request.js';

// prettier-ignore
const ELEMENT_BYTES: Record<string, number> = {
  bool: 1, uint8: 1, int8: 1, uint16: 2, int16: 2, float16: 2,
  uint32: 4, int32: 4, float: 4, uint64: 8, int64: 8, double: 8,
};

/**
 * Raw tensor bytes (gRPC `raw_input_contents`, HTTP binary tensor data) → a runtime tensor. The
 * protocol's layout is little-endian, row-major; BYTES elements are each a 4-byte little-endian
 * length and the bytes. The byte size must be exactly what the shape needs.
 */
export function tensorFromBytes(bytes: Uint8Array, checked: CheckedInput, field: string): RuntimeTensor {
  const { spec, dims, count } = checked;
  if (spec.elementType === 'string')
    return { elementType: 'string', dims, data: readStrings(bytes, count, field) };
  const size = ELEMENT_BYTES[spec.elementType];
  if (size === undefined)
    throw new InferRequestError(field, `element type '${spec.elementType}' cannot be sent as raw bytes`);
  if (bytes.byteLength !== count * size)
    throw new InferRequestError(
      field,
      `holds ${bytes.byteLength} bytes but shape [${dims.join(', ')}] of ${spec.elementType} needs ${count * size}`,
    );
  const Ctor = typedArrayFor(spec.elementType) as unknown as new (
    buffer: ArrayBufferLike,
    offset: number,
    length: number,
  ) => RuntimeTensor['data'];
  // A typed array view needs its offset aligned to the element size; gRPC hands out slices of a
  // larger message buffer, so copy only when the bytes are misaligned.
  const aligned = bytes.byteOffset % size === 0 ? bytes : new Uint8Array(bytes);
  return { elementType: spec.elementType, dims, data: new Ctor(aligned.buffer, aligned.byteOffset, count) };
}

/** A runtime tensor → its raw bytes (little-endian, row-major; BYTES length-prefixed). */
export function tensorToBytes(tensor: RuntimeTensor): Buffer {
  if (Array.isArray(tensor.data)) {
    const parts = (tensor.data as string[]).flatMap((s) => {
      const body = Buffer.from(s, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(body.length);
      return [length, body];
    });
    return Buffer.concat(parts);
  }
  const data = tensor.data as Exclude<RuntimeTensor['data'], string[]>;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function readStrings(bytes: Uint8Array, count: number, field: string): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  let offset = 0;
  const decoder = new TextDecoder();
  while (offset < bytes.byteLength) {
    if (offset + 4 > bytes.byteLength)
      throw new InferRequestError(field, `BYTES element ${out.length} has a truncated 4-byte length`);
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > bytes.byteLength)
      throw new InferRequestError(field, `BYTES element ${out.length} runs past the end of the data`);
    out.push(decoder.decode(bytes.subarray(offset, offset + length)));
    offset += length;
  }
  if (out.length !== count)
    throw new InferRequestError(field, `holds ${out.length} BYTES elements but the shape needs ${count}`);
  return out;
}
