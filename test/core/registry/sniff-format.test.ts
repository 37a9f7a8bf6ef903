import { describe, it, expect } from 'vitest';
import { sniffFormat } from '../../../src/core/registry/sniff-format.js';

const bytes = (...parts: (string | number[] | Uint8Array)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

/** A stored (uncompressed) zip with the given entries, enough for local-header sniffing. */
function zip(entries: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, data] of Object.entries(entries)) {
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(name.length, 26);
    parts.push(header, Buffer.from(name), Buffer.from(data));
  }
  return Buffer.concat(parts);
}

function safetensors(header: object): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, Buffer.alloc(16)]);
}

// ModelProto: ir_version=8, producer_name="pytorch", producer_version="2.1", graph={...}, opset_import
const onnx = bytes(
  [0x08, 0x08, 0x12, 0x07],
  'pytorch',
  [0x1a, 0x03],
  '2.1',
  [0x3a, 0x04, 0x0a, 0x02, 0x10, 0x01],
  [0x42, 0x02, 0x10, 0x11],
);

describe('sniffFormat', () => {
  it.each([
    ['onnx', onnx],
    ['pytorch', zip({ 'archive/data.pkl': '\x80\x02}q\x00.', 'archive/version': '3\n' })],
    ['keras', zip({ 'metadata.json': '{}', 'config.json': '{}', 'model.weights.h5': '' })],
    ['npz', zip({ 'weights.npy': '\x93NUMPY', 'bias.npy': '\x93NUMPY' })],
    ['zip', zip({ 'README.txt': 'hello' })],
    ['pickle', bytes([0x80, 0x04, 0x95], 'rest')],
    ['pickle', bytes('ccopy_reg\n_reconstructor\np0\n')],
    ['pickle', bytes("(dp0\nS'a'\n")],
    ['pickle', bytes([0x7d, 0x71, 0x00, 0x28])],
    [
      'pytorch-legacy',
      bytes([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]),
    ],
    ['safetensors', safetensors({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } })],
    ['gguf', bytes('GGUF', [3, 0, 0, 0])],
    ['hdf5', bytes([0x89], 'HDF\r\n', [0x1a, 0x0a, 0, 0])],
    ['hdf5', Buffer.concat([Buffer.alloc(512), bytes([0x89], 'HDF\r\n', [0x1a, 0x0a])])],
    ['numpy', bytes([0x93], 'NUMPY', [1, 0])],
    ['tflite', bytes([0x1c, 0, 0, 0], 'TFL3')],
    ['gzip', bytes([0x1f, 0x8b, 0x08, 0x00])],
    ['bzip2', bytes('BZh9', [0x31, 0x41, 0x59, 0x26, 0x53, 0x59])],
    ['xz', bytes([0xfd], '7zXZ', [0])],
    ['zstd', bytes([0x28, 0xb5, 0x2f, 0xfd])],
    ['tar', Buffer.concat([Buffer.alloc(257), bytes('ustar\x0000')])],
    [
      'lfs-pointer',
      bytes(`version https://git-lfs.github.com/spec/v1\noid sha256:${'c'.repeat(64)}\nsize 3\n`),
    ],
  ] as const)('recognises %s', (format, head) => {
    expect(sniffFormat(head)).toBe(format);
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['text', bytes('hello world\n')],
    ['json', bytes('{"a": 1}')],
    ['bz2 prefix without block magic', bytes('BZh9 is a string')],
    // TF SavedModel: field 1 = 1 then a large nested field 2 whose bytes are not a name.
    ['other protobuf', bytes([0x08, 0x01, 0x12, 0xc8, 0x01, 0x0a, 0x05, 0x12, 0x03])],
    ['onnx-like with wrong wire type', bytes([0x08, 0x08, 0x10, 0x01])],
    ['ir_version out of range', bytes([0x08, 0x00, 0x12, 0x01, 0x41])],
  ])('returns unknown for %s', (_label, head) => {
    expect(sniffFormat(head)).toBe('unknown');
  });
});
