/**
 * The .xz container (tukaani.org's file format 1.x): stream header and footer, blocks with their
 * filter chains, the index, and the integrity check of every block (CRC32, CRC64 or SHA-256).
 * Only the LZMA2 filter is decoded; a BCJ or delta filter chain is reported as unsupported.
 * Several concatenated streams and stream padding are read as `xz -d` reads them.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { BoundedOutput, DecompressError, type DecompressCaps } from './bounded.js';
import { Lzma2Decoder } from './lzma2.js';

const MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const CHECK_SIZE = [0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64];
const FILTER_LZMA2 = 0x21;

function corrupt(message: string): never {
  throw new DecompressError('corrupt', `xz: ${message}`);
}

function need(input: Uint8Array, end: number, what: string): void {
  if (end > input.length) throw new DecompressError('truncated', `xz: stream ends inside ${what}`);
}

function u32le(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** xz's variable-length integer (7 bits a byte, at most 9 bytes); [value, next offset]. */
function varint(b: Uint8Array, at: number, end: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (at >= end) corrupt('integer runs past its header');
    const byte = b[at++]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (!(byte & 0x80)) {
      if (byte === 0 && i > 0) corrupt('integer not in its shortest form');
      return [value, at];
    }
  }
  return corrupt('integer longer than 9 bytes');
}

const CRC64_TABLE = (() => {
  // CRC-64/XZ (ECMA-182 polynomial, reflected), as pairs of 32-bit halves: [lo, hi].
  const table = new Uint32Array(512);
  const polyLo = 0xd7870f42;
  const polyHi = 0xc96c5795;
  for (let i = 0; i < 256; i++) {
    let lo = i;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi >>>= 1;
      if (carry) {
        lo = (lo ^ polyLo) >>> 0;
        hi = (hi ^ polyHi) >>> 0;
      }
    }
    table[2 * i] = lo;
    table[2 * i + 1] = hi;
  }
  return table;
})();

function crc64(data: Uint8Array): Uint8Array {
  let lo = 0xffffffff;
  let hi = 0xffffffff;
  for (let i = 0; i < data.length; i++) {
    const t = (lo ^ data[i]!) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ CRC64_TABLE[2 * t]!) >>> 0;
    hi = ((hi >>> 8) ^ CRC64_TABLE[2 * t + 1]!) >>> 0;
  }
  const out = new Uint8Array(8);
  new DataView(out.buffer).setUint32(0, ~lo >>> 0, true);
  new DataView(out.buffer).setUint32(4, ~hi >>> 0, true);
  return out;
}

function checkBlock(type: number, data: Uint8Array, stored: Uint8Array): void {
  let expected: Uint8Array | undefined;
  if (type === 0x01) {
    expected = new Uint8Array(4);
    new DataView(expected.buffer).setUint32(0, crc32(data), true);
  } else if (type === 0x04) expected = crc64(data);
  else if (type === 0x0a) expected = createHash('sha256').update(data).digest();
  if (expected && !expected.every((b, i) => b === stored[i]))
    corrupt('block integrity check does not match its data');
}

/** Decodes every stream in `input`. */
export function decodeXz(input: Uint8Array, caps: DecompressCaps): Uint8Array {
  const out = new BoundedOutput(caps);
  let pos = 0;
  let streams = 0;
  while (pos < input.length) {
    if (streams > 0) {
      // Stream padding: zero bytes in groups of four, then another stream or the end.
      const padStart = pos;
      while (pos < input.length && input[pos] === 0) pos++;
      const zeros = pos - padStart;
      if (pos >= input.length) {
        if (zeros % 4 !== 0) corrupt('stream padding is not a multiple of 4 bytes');
        break;
      }
      if (zeros % 4 !== 0) corrupt('stream padding is not a multiple of 4 bytes');
      if (!MAGIC.every((b, i) => input[pos + i] === b))
        corrupt(`${input.length - pos} byte(s) after stream ${streams} are not an xz stream`);
    }
    pos = decodeStream(input, pos, out);
    streams++;
  }
  return out.bytes();
}

function decodeStream(input: Uint8Array, start: number, out: BoundedOutput): number {
  need(input, start + 12, 'its header');
  if (!MAGIC.every((b, i) => input[start + i] === b)) corrupt('no xz magic');
  const flags = input.subarray(start + 6, start + 8);
  if (crc32(flags) !== u32le(input, start + 8)) corrupt('stream header CRC mismatch');
  if (flags[0] !== 0 || flags[1]! > 0x0f) corrupt('reserved stream flags set');
  const checkType = flags[1]!;
  const checkSize = CHECK_SIZE[checkType]!;
  let pos = start + 12;
  const blocks: { unpadded: number; uncompressed: number }[] = [];
  for (;;) {
    need(input, pos + 1, 'a block header');
    if (input[pos] === 0x00) break; // the index
    const headerSize = (input[pos]! + 1) * 4;
    need(input, pos + headerSize, 'a block header');
    const header = input.subarray(pos, pos + headerSize);
    if (crc32(header.subarray(0, headerSize - 4)) !== u32le(header, headerSize - 4))
      corrupt('block header CRC mismatch');
    const blockFlags = header[1]!;
    if (blockFlags & 0x3c) corrupt('reserved block flags set');
    let at = 2;
    const limit = headerSize - 4;
    let compressedSize: number | undefined;
    let uncompressedSize: number | undefined;
    if (blockFlags & 0x40) [compressedSize, at] = varint(header, at, limit);
    if (blockFlags & 0x80) [uncompressedSize, at] = varint(header, at, limit);
    const filters = (blockFlags & 3) + 1;
    let dictSize = 0;
    for (let f = 0; f < filters; f++) {
      let id: number;
      let propsSize: number;
      [id, at] = varint(header, at, limit);
      [propsSize, at] = varint(header, at, limit);
      if (at + propsSize > limit) corrupt('filter properties run past the block header');
      if (id !== FILTER_LZMA2 || filters !== 1)
        throw new DecompressError(
          'unsupported',
          `xz filter 0x${id.toString(16)} (only a plain LZMA2 chain is decoded here)`,
        );
      if (propsSize !== 1) corrupt('LZMA2 filter needs one property byte');
      const d = header[at]!;
      if (d > 40) corrupt('LZMA2 dictionary size byte over 40');
      dictSize = d === 40 ? 0xffffffff : (2 | (d & 1)) * 2 ** (Math.floor(d / 2) + 11);
      at += propsSize;
    }
    for (; at < limit; at++) if (header[at] !== 0) corrupt('block header padding is not zero');

    const dataStart = pos + headerSize;
    const outStart = out.length;
    const dataEnd = new Lzma2Decoder(out, dictSize).decode(input, dataStart, input.length);
    const compressed = dataEnd - dataStart;
    const produced = out.length - outStart;
    if (compressedSize !== undefined && compressedSize !== compressed)
      corrupt('block compressed size differs from its header');
    if (uncompressedSize !== undefined && uncompressedSize !== produced)
      corrupt('block uncompressed size differs from its header');
    let end = dataEnd;
    while ((end - dataStart) % 4 !== 0) {
      need(input, end + 1, 'block padding');
      if (input[end++] !== 0) corrupt('block padding is not zero');
    }
    need(input, end + checkSize, 'a block check');
    checkBlock(checkType, out.bytes().subarray(outStart), input.subarray(end, end + checkSize));
    blocks.push({ unpadded: headerSize + compressed + checkSize, uncompressed: produced });
    pos = end + checkSize;
  }

  // Index: must list exactly the blocks read, with their sizes.
  const indexStart = pos;
  const [count, afterCount] = varint(input, pos + 1, input.length);
  let at = afterCount;
  if (count !== blocks.length) corrupt('index lists a different number of blocks');
  for (const block of blocks) {
    let unpadded: number;
    let uncompressed: number;
    [unpadded, at] = varint(input, at, input.length);
    [uncompressed, at] = varint(input, at, input.length);
    if (unpadded !== block.unpadded || uncompressed !== block.uncompressed)
      corrupt('index sizes differ from the blocks');
  }
  while ((at - indexStart) % 4 !== 0) {
    need(input, at + 1, 'the index');
    if (input[at++] !== 0) corrupt('index padding is not zero');
  }
  need(input, at + 4 + 12, 'its footer');
  if (crc32(input.subarray(indexStart, at)) !== u32le(input, at)) corrupt('index CRC mismatch');
  const footer = at + 4;
  if (crc32(input.subarray(footer + 4, footer + 10)) !== u32le(input, footer))
    corrupt('stream footer CRC mismatch');
  const backward = (u32le(input, footer + 4) + 1) * 4;
  if (backward !== footer - indexStart) corrupt('stream footer backward size is wrong');
  if (input[footer + 8] !== flags[0] || input[footer + 9] !== flags[1])
    corrupt('stream footer flags differ from the header');
  if (input[footer + 10] !== 0x59 || input[footer + 11] !== 0x5a) corrupt('no footer magic');
  return footer + 12;
}
