import { UsageError } from '../../core/errors.js';
import type { ColumnData, ColumnType } from '../../core/data/types.js';
import type { BufferPool } from '../buffer-pool.js';

/** The element types we read from .npy: numpy's f4 f8 i4 i8 u1 b1, either byte order. */
export interface NpyDtype {
  descr: string;
  type: Extract<ColumnType, 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool'>;
  itemSize: number;
  littleEndian: boolean;
}

export interface NpyHeader {
  dtype: NpyDtype;
  shape: number[];
  /** Rows along axis 0 (1 for a 0-d array). */
  rows: number;
  rowShape: number[];
  rowBytes: number;
  /** Bytes of magic, version, length and header dict: where the data starts. */
  headerBytes: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Bytes needed to learn the header length: magic, version, and a 2- or 4-byte length. */
export const NPY_PREAMBLE_BYTES = 12;

const TYPES: Record<string, [NpyDtype['type'], number]> = {
  f4: ['float32', 4],
  f8: ['float64', 8],
  i4: ['int32', 4],
  i8: ['int64', 8],
  u1: ['uint8', 1],
  b1: ['bool', 1],
};

/** Header dicts are a few hundred bytes; refuse absurd declared lengths before allocating them. */
const MAX_HEADER_BYTES = 1 << 20;

/** Total header size (magic + version + length + dict) from the first bytes of an .npy. */
export function npyHeaderBytes(preamble: Uint8Array, where: string): number {
  const total = declaredHeaderBytes(preamble, where);
  if (total > MAX_HEADER_BYTES) {
    throw new UsageError(`${where} declares a ${total}-byte .npy header`, {
      fix: 'the file is corrupt or not an .npy; write it again with numpy.save',
    });
  }
  return total;
}

function declaredHeaderBytes(preamble: Uint8Array, where: string): number {
  if (preamble.length < 10 || MAGIC.some((b, i) => preamble[i] !== b)) {
    throw new UsageError(`${where} is not a .npy array (no \\x93NUMPY magic)`, {
      fix: 'write it with numpy.save',
    });
  }
  const major = preamble[6]!;
  const view = new DataView(preamble.buffer, preamble.byteOffset, preamble.byteLength);
  if (major === 1) return 10 + view.getUint16(8, true);
  if ((major === 2 || major === 3) && preamble.length >= 12) return 12 + view.getUint32(8, true);
  throw new UsageError(`${where} is .npy format version ${major}.${preamble[7]}, which we do not read`, {
    fix: 'save it with numpy.save (format 1.0, 2.0 or 3.0)',
  });
}

/** Parses the header dict (a Python literal) that follows the preamble. */
export function parseNpyHeader(bytes: Uint8Array, where: string): NpyHeader {
  const headerBytes = npyHeaderBytes(bytes, where);
  const dictStart = bytes[6] === 1 ? 10 : 12;
  // Format 3.0 allows UTF-8 in the dict (field names); 1.0 and 2.0 are latin1.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + dictStart, headerBytes - dictStart).toString(
    bytes[6] === 3 ? 'utf8' : 'latin1',
  );
  const descr = /['"]descr['"]\s*:\s*(['"])(.*?)\1/.exec(text)?.[2];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    if (/['"]descr['"]\s*:\s*\[/.test(text)) {
      throw new UsageError(`${where} holds a structured (record) array`, {
        fix: 'save each field as its own array (numpy.savez with one key per field)',
      });
    }
    throw new UsageError(`${where} has a malformed .npy header`, { fix: 'write it again with numpy.save' });
  }
  const dtype = parseDtype(descr, where);
  if (fortran === 'True') {
    throw new UsageError(`${where} is stored in Fortran order`, {
      fix: 'save numpy.ascontiguousarray(array) instead (C order)',
    });
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim().replace(/L$/, ''))
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((n) => !Number.isSafeInteger(n) || n < 0)) {
    throw new UsageError(`${where} has shape (${shapeText}), which is not a list of sizes`, {
      fix: 'write it again with numpy.save',
    });
  }
  const rowShape = shape.slice(1);
  const rowBytes = rowShape.reduce((a, b) => a * b, 1) * dtype.itemSize;
  return { dtype, shape, rows: shape[0] ?? 1, rowShape, rowBytes, headerBytes };
}

function parseDtype(descr: string, where: string): NpyDtype {
  const order = descr[0] ?? '';
  const code = '<>|='.includes(order) ? descr.slice(1) : descr;
  if (code.startsWith('O')) {
    throw new UsageError(`${where} is an object array: object arrays are pickles; refusing`, {
      fix: 'save a numeric array (array.astype(numpy.float32)); we never unpickle',
    });
  }
  const known = TYPES[code];
  if (!known) {
    throw new UsageError(`${where} has dtype '${descr}', which we do not read`, {
      fix: 'save it as one of f4, f8, i4, i8, u1, b1 (array.astype(...))',
    });
  }
  return { descr, type: known[0], itemSize: known[1], littleEndian: order !== '>' };
}

/**
 * A typed array for `count` elements of `dtype`, over a buffer of its own (from `pool` when given);
 * read raw bytes into it.
 */
export function allocateElements(
  dtype: NpyDtype,
  count: number,
  pool?: BufferPool,
): Exclude<ColumnData, string[]> {
  // Not zero-filled: the caller overwrites every byte (a short read is an error, never a partial
  // column), and zeroing a batch the size of the data read costs as much as copying it.
  const bytes = count * dtype.itemSize;
  const buffer = pool ? pool.acquire(bytes) : Buffer.allocUnsafeSlow(bytes).buffer;
  switch (dtype.type) {
    case 'float32':
      return new Float32Array(buffer, 0, count);
    case 'float64':
      return new Float64Array(buffer, 0, count);
    case 'int32':
      return new Int32Array(buffer, 0, count);
    case 'int64':
      return new BigInt64Array(buffer, 0, count);
    default:
      return new Uint8Array(buffer, 0, count);
  }
}

/** Big-endian files ('>f8') are swapped in place; we only run on little-endian hosts (x64, arm64). */
export function toHostOrder(elements: Exclude<ColumnData, string[]>, dtype: NpyDtype): void {
  if (dtype.littleEndian || dtype.itemSize === 1) return;
  const bytes = Buffer.from(elements.buffer, elements.byteOffset, elements.byteLength);
  if (dtype.itemSize === 4) bytes.swap32();
  else bytes.swap64();
}
