/**
 * Identifies a model file's format from its first bytes, never from its extension: a file named
 * model.onnx can be a pickle, and audit must know what it is really about to open.
 */
import { isLfsPointer } from './lfs-pointer.js';

/** Formats recognised by content. Container formats whose payload we cannot see stay generic. */
export type SniffedFormat =
  | 'onnx'
  | 'pytorch'
  | 'pytorch-legacy'
  | 'keras'
  | 'npz'
  | 'zip'
  | 'pickle'
  | 'safetensors'
  | 'gguf'
  | 'hdf5'
  | 'numpy'
  | 'tflite'
  | 'gzip'
  | 'bzip2'
  | 'xz'
  | 'zstd'
  | 'tar'
  | 'lfs-pointer'
  | 'unknown';

/** How many leading bytes to read for {@link sniffFormat}; fewer still works with less certainty. */
export const SNIFF_BYTES = 4096;

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) =>
  b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const HDF5 = [0x89, ...ascii('HDF\r\n'), 0x1a, 0x0a];
// torch.save's legacy (non-zip) format begins with a pickled magic number 0x1950a86a20f9469cfc6c.
const TORCH_LEGACY = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

/** Names the format of a file from its first bytes (pass at least {@link SNIFF_BYTES} when you can). */
export function sniffFormat(head: Uint8Array): SniffedFormat {
  if (startsWith(head, ascii('PK\x03\x04')) || startsWith(head, ascii('PK\x05\x06')))
    return classifyZip(head);
  if (startsWith(head, ascii('GGUF'))) return 'gguf';
  // HDF5 may sit after a user block of 512, 1024, 2048… bytes.
  if ([0, 512, 1024, 2048].some((at) => startsWith(head, HDF5, at))) return 'hdf5';
  if (startsWith(head, [0x93, ...ascii('NUMPY')])) return 'numpy';
  if (startsWith(head, TORCH_LEGACY)) return 'pytorch-legacy';
  if (isPickle(head)) return 'pickle';
  if (startsWith(head, ascii('TFL3'), 4)) return 'tflite';
  if (startsWith(head, [0x1f, 0x8b, 0x08])) return 'gzip';
  if (isBzip2(head)) return 'bzip2';
  if (startsWith(head, [0xfd, ...ascii('7zXZ'), 0x00])) return 'xz';
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  if (startsWith(head, ascii('ustar'), 257)) return 'tar';
  if (isSafetensors(head)) return 'safetensors';
  if (isLfsPointer(head.subarray(0, 1024))) return 'lfs-pointer';
  if (looksLikeOnnx(head)) return 'onnx';
  return 'unknown';
}

function isBzip2(b: Uint8Array): boolean {
  // "BZh" + block size digit, then the block magic (pi) or the end-of-stream magic (sqrt pi).
  if (!startsWith(b, ascii('BZh')) || !(b[3]! >= 0x31 && b[3]! <= 0x39)) return false;
  return (
    startsWith(b, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59], 4) ||
    startsWith(b, [0x17, 0x72, 0x45, 0x38, 0x50, 0x90], 4)
  );
}

function isPickle(b: Uint8Array): boolean {
  // Protocol 2+ starts with PROTO <n>; joblib and torch pickles are protocol 2–5.
  if (b[0] === 0x80 && b[1] !== undefined && b[1] >= 2 && b[1] <= 5) return true;
  // Protocols 0/1 have no header; accept only their unmistakable openings: GLOBAL "module\nname\n",
  // a text-mode empty dict/list with PUT 0, or a binary one followed by BINPUT 0 and MARK.
  const text = Buffer.from(b.subarray(0, 256)).toString('latin1');
  if (/^c[A-Za-z_][\w.]*\n[A-Za-z_][\w.]*\n/.test(text) || /^\((dp|lp)0\n/.test(text)) return true;
  return (
    (b[0] === 0x7d /* } */ || b[0] === 0x5d) /* ] */ &&
    b[1] === 0x71 /* BINPUT */ &&
    b[2] === 0 &&
    b[3] === 0x28
  ); /* MARK */
}

function isSafetensors(b: Uint8Array): boolean {
  if (b.length < 10) return false;
  // 8-byte little-endian header length, then the JSON header itself.
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = view.getBigUint64(0, true);
  return n >= 2n && n <= 100_000_000n && b[8] === 0x7b; /* { */
}

function classifyZip(b: Uint8Array): SniffedFormat {
  const names = zipEntryNames(b);
  if (names.some((n) => n === 'data.pkl' || n.endsWith('/data.pkl') || n.endsWith('/.data/version')))
    return 'pytorch';
  // Keras 3 `.keras` archives start with metadata.json and config.json beside model.weights.h5.
  if (
    names.some((n) => n === 'metadata.json' || n === 'model.weights.h5') &&
    names.some((n) => n === 'config.json' || n.endsWith('.h5'))
  )
    return 'keras';
  if (names[0] === 'metadata.json') return 'keras';
  if (names.length > 0 && names.every((n) => n.endsWith('.npy'))) return 'npz';
  return 'zip';
}

/** Names of the local file headers visible in `b` (entries whose sizes are known up front). */
function zipEntryNames(b: Uint8Array): string[] {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const names: string[] = [];
  let at = 0;
  while (at + 30 <= b.length && view.getUint32(at, true) === 0x04034b50) {
    const flags = view.getUint16(at + 6, true);
    const compressed = view.getUint32(at + 18, true);
    const nameLen = view.getUint16(at + 26, true);
    const extraLen = view.getUint16(at + 28, true);
    if (at + 30 + nameLen > b.length) break;
    names.push(Buffer.from(b.subarray(at + 30, at + 30 + nameLen)).toString('utf8'));
    // With a data descriptor (flag bit 3) or ZIP64 the size is not here; stop walking.
    if (flags & 0x08 || compressed === 0xffffffff) break;
    at += 30 + nameLen + extraLen + compressed;
  }
  return names;
}

// ModelProto field numbers → wire type (0 varint, 2 length-delimited).
const MODEL_PROTO_FIELDS = new Map<number, number>([
  [1, 0], // ir_version
  [2, 2], // producer_name
  [3, 2], // producer_version
  [4, 2], // domain
  [5, 0], // model_version
  [6, 2], // doc_string
  [7, 2], // graph
  [8, 2], // opset_import
  [14, 2], // metadata_props
  [20, 2], // training_info
  [25, 2], // functions
  [26, 2], // configuration
]);
const SHORT_STRING_FIELDS = new Set([2, 3, 4]);

/**
 * ONNX has no magic number. A ModelProto written by any exporter starts with ir_version
 * (field 1, varint, a small number); then every field visible in the head must be a ModelProto
 * field with the right wire type, and producer/domain strings must be short printable text —
 * which rejects other protobufs such as a TF SavedModel (field 1 = 1, then a huge field 2).
 */
function looksLikeOnnx(b: Uint8Array): boolean {
  let at = 0;
  let fields = 0;
  while (at < b.length) {
    const key = readVarint(b, at);
    if (!key) return fields > 0;
    const field = Number(key.value >> 3n);
    const wire = Number(key.value & 7n);
    if (MODEL_PROTO_FIELDS.get(field) !== wire) return false;
    if (fields === 0 && field !== 1) return false;
    at = key.next;
    const value = readVarint(b, at);
    if (!value) return fields > 0;
    if (field === 1 && (value.value < 1n || value.value > 64n)) return false;
    at = value.next;
    if (wire === 2) {
      const len = Number(value.value);
      if (SHORT_STRING_FIELDS.has(field)) {
        if (len > 1024) return false;
        const text = b.subarray(at, Math.min(b.length, at + len));
        // Printable ASCII or UTF-8 bytes; control bytes mean this is a nested message, not a name.
        if (!text.every((c) => (c >= 0x20 && c !== 0x7f) || c === 0x09)) return false;
      }
      at += len;
    }
    fields++;
  }
  return fields > 0;
}

function readVarint(b: Uint8Array, at: number): { value: bigint; next: number } | null {
  let value = 0n;
  for (let i = 0; i < 10 && at + i < b.length; i++) {
    const byte = b[at + i]!;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if (!(byte & 0x80)) return { value, next: at + i + 1 };
  }
  return null;
}
