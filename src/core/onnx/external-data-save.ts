import { create } from '@bufbuild/protobuf';
import {
  StringStringEntryProtoSchema,
  TensorProto_DataLocation,
  type ModelProto,
  type TensorProto,
} from 'onnx-buf';
import type { AtomicFile } from './atomic-file.js';
import { isExternal, tensorRawBytes } from './tensor-data.js';
import { allTensors } from './walk-tensors.js';

/** A tensor chosen to leave the protobuf, with its little-endian bytes. */
export interface ExternalCandidate {
  tensor: TensorProto;
  bytes: Uint8Array;
}

/**
 * Picks the tensors to store outside the protobuf: every initializer of at least `threshold`
 * bytes, then the largest remaining ones until what stays inline fits in `budget` bytes. The
 * second rule is what lets a >2 GiB model be saved at all, even with a high threshold.
 */
export function planExternalData(
  model: ModelProto,
  options: { threshold: number; budget: number },
): ExternalCandidate[] {
  const candidates: ExternalCandidate[] = [];
  for (const tensor of allTensors(model)) {
    if (isExternal(tensor)) continue;
    const bytes = tensorRawBytes(tensor);
    if (bytes && bytes.length > 0) candidates.push({ tensor, bytes });
  }
  const chosen = new Set(candidates.filter((c) => c.bytes.length >= options.threshold));
  let inline = candidates.reduce((n, c) => (chosen.has(c) ? n : n + c.bytes.length), 0);
  for (const c of [...candidates].sort((a, b) => b.bytes.length - a.bytes.length)) {
    if (inline <= options.budget) break;
    if (chosen.has(c)) continue;
    chosen.add(c);
    inline -= c.bytes.length;
  }
  return candidates.filter((c) => chosen.has(c));
}

/** Fields a tensor's data may occupy; all are swapped out while the model is encoded. */
const DATA_FIELDS = [
  'rawData',
  'floatData',
  'int32Data',
  'int64Data',
  'doubleData',
  'uint64Data',
  'dataLocation',
  'externalData',
] as const;

/**
 * Appends each tensor's bytes to `file` and points the tensor at `location`. Returns a function
 * that puts the original data back: the caller's in-memory model must stay self-contained after
 * saving, and copying a multi-GiB model to avoid mutation would double peak memory.
 */
export async function moveToExternal(
  candidates: ExternalCandidate[],
  location: string,
  file: AtomicFile,
): Promise<() => void> {
  const saved: { tensor: TensorProto; own: Map<string, unknown> }[] = [];
  const restore = (): void => {
    for (const { tensor, own } of saved) {
      const record = tensor as unknown as Record<string, unknown>;
      for (const field of DATA_FIELDS) {
        if (own.has(field)) record[field] = own.get(field);
        else delete record[field]; // proto2 presence is an own property; deleting restores "unset"
      }
    }
  };
  try {
    for (const { tensor, bytes } of candidates) {
      // Large tensors start on a page boundary so runtimes can mmap them; small ones on 64 bytes.
      await pad(file, bytes.length >= 1 << 20 ? 4096 : 64);
      const offset = await file.write(bytes);
      const record = tensor as unknown as Record<string, unknown>;
      const own = new Map<string, unknown>();
      for (const field of DATA_FIELDS)
        if (Object.prototype.hasOwnProperty.call(record, field)) own.set(field, record[field]);
      saved.push({ tensor, own });
      delete record.rawData;
      tensor.floatData = [];
      tensor.int32Data = [];
      tensor.int64Data = [];
      tensor.doubleData = [];
      tensor.uint64Data = [];
      tensor.dataLocation = TensorProto_DataLocation.EXTERNAL;
      tensor.externalData = [
        entry('location', location),
        entry('offset', String(offset)),
        entry('length', String(bytes.length)),
      ];
    }
  } catch (error) {
    restore();
    throw error;
  }
  return restore;
}

async function pad(file: AtomicFile, alignment: number): Promise<void> {
  const gap = (alignment - (file.size % alignment)) % alignment;
  if (gap > 0) await file.write(new Uint8Array(gap));
}

function entry(key: string, value: string) {
  return create(StringStringEntryProtoSchema, { key, value });
}
