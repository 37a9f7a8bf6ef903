/**
 * A bounded bzip2 decoder (Seward's format: Huffman + move-to-front + Burrows–Wheeler + run
 * lengths), written from the format's description. Every block and stream CRC is checked, several
 * concatenated streams are read as `bunzip2` reads them, and output, block size and time are capped.
 */
import { BoundedOutput, DecompressError, type DecompressCaps } from './bounded.js';

const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const END_MAGIC_HI = 0x177245;
const END_MAGIC_LO = 0x385090;
const MAX_CODE_LENGTH = 20;
const MAX_SELECTORS = 18002;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c >>> 0;
  }
  return table;
})();

class BitReader {
  private pos = 0;
  private bitBuf = 0;
  private bitCount = 0;
  constructor(private readonly data: Uint8Array) {}

  bits(n: number): number {
    while (this.bitCount < n) {
      if (this.pos >= this.data.length)
        throw new DecompressError('truncated', 'bzip2 stream ends before its end marker');
      this.bitBuf = ((this.bitBuf << 8) | this.data[this.pos++]!) >>> 0;
      this.bitCount += 8;
    }
    this.bitCount -= n;
    return (this.bitBuf >>> this.bitCount) & ((1 << n) - 1);
  }

  bit(): number {
    return this.bits(1);
  }

  /** Skips to the next byte boundary; returns the byte offset reached. */
  align(): number {
    this.bitCount -= this.bitCount % 8;
    return this.pos - this.bitCount / 8;
  }
}

/** Canonical Huffman table: symbols sorted by code length, counts per length. */
interface Huffman {
  counts: Uint16Array;
  symbols: Uint16Array;
}

function makeHuffman(lengths: Uint8Array, alphaSize: number): Huffman {
  const counts = new Uint16Array(MAX_CODE_LENGTH + 1);
  for (let i = 0; i < alphaSize; i++) counts[lengths[i]!]!++;
  const offsets = new Uint16Array(MAX_CODE_LENGTH + 2);
  for (let len = 1; len <= MAX_CODE_LENGTH; len++) offsets[len + 1] = offsets[len]! + counts[len]!;
  const symbols = new Uint16Array(alphaSize);
  for (let i = 0; i < alphaSize; i++) symbols[offsets[lengths[i]!]!++] = i;
  return { counts, symbols };
}

function decodeSymbol(reader: BitReader, table: Huffman): number {
  let code = 0;
  let first = 0;
  let index = 0;
  for (let len = 1; len <= MAX_CODE_LENGTH; len++) {
    code |= reader.bit();
    const count = table.counts[len]!;
    if (code - first < count) return table.symbols[index + code - first]!;
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  throw new DecompressError('corrupt', 'bzip2 Huffman code is not in its table');
}

/** Decodes every stream in `input`. Trailing bytes that are not a stream are reported as corrupt. */
export function decodeBzip2(input: Uint8Array, caps: DecompressCaps): Uint8Array {
  const out = new BoundedOutput(caps);
  const reader = new BitReader(input);
  let streams = 0;
  for (;;) {
    decodeStream(reader, out);
    streams++;
    const next = reader.align();
    if (next >= input.length) break;
    if (input[next] !== 0x42 || input[next + 1] !== 0x5a || input[next + 2] !== 0x68)
      throw new DecompressError(
        'corrupt',
        `${input.length - next} byte(s) after bzip2 stream ${streams} are not a bzip2 stream`,
      );
  }
  return out.bytes();
}

function decodeStream(reader: BitReader, out: BoundedOutput): void {
  if (reader.bits(8) !== 0x42 || reader.bits(8) !== 0x5a || reader.bits(8) !== 0x68)
    throw new DecompressError('corrupt', 'not a bzip2 stream (no BZh magic)');
  const level = reader.bits(8) - 0x30;
  if (level < 1 || level > 9) throw new DecompressError('corrupt', 'bzip2 block size level is not 1–9');
  const maxBlock = level * 100_000;
  const tt = new Uint32Array(maxBlock);
  let combined = 0;
  for (;;) {
    const hi = reader.bits(24);
    const lo = reader.bits(24);
    if (hi === END_MAGIC_HI && lo === END_MAGIC_LO) {
      const stored = ((reader.bits(16) << 16) | reader.bits(16)) >>> 0;
      if (stored !== combined) throw new DecompressError('corrupt', 'bzip2 stream CRC mismatch');
      return;
    }
    if (hi !== BLOCK_MAGIC_HI || lo !== BLOCK_MAGIC_LO)
      throw new DecompressError('corrupt', 'bzip2 block magic missing');
    const stored = ((reader.bits(16) << 16) | reader.bits(16)) >>> 0;
    const crc = decodeBlock(reader, out, tt, maxBlock);
    if (crc !== stored) throw new DecompressError('corrupt', 'bzip2 block CRC mismatch');
    combined = (((combined << 1) | (combined >>> 31)) ^ crc) >>> 0;
  }
}

/** One block: returns the CRC of what it wrote. */
function decodeBlock(reader: BitReader, out: BoundedOutput, tt: Uint32Array, maxBlock: number): number {
  if (reader.bit()) throw new DecompressError('unsupported', 'randomised bzip2 blocks (bzip2 < 0.9.5)');
  const origPtr = reader.bits(24);

  const seqToUnseq: number[] = [];
  const used = reader.bits(16);
  for (let i = 0; i < 16; i++)
    if (used & (0x8000 >> i)) {
      const bits = reader.bits(16);
      for (let j = 0; j < 16; j++) if (bits & (0x8000 >> j)) seqToUnseq.push(i * 16 + j);
    }
  if (seqToUnseq.length === 0) throw new DecompressError('corrupt', 'bzip2 block uses no byte values');
  const alphaSize = seqToUnseq.length + 2;

  const groups = reader.bits(3);
  if (groups < 2 || groups > 6) throw new DecompressError('corrupt', 'bzip2 Huffman group count not 2–6');
  const selectorCount = reader.bits(15);
  if (selectorCount < 1) throw new DecompressError('corrupt', 'bzip2 block has no selectors');
  const groupMtf = Array.from({ length: groups }, (_, i) => i);
  const selectors = new Uint8Array(Math.min(selectorCount, MAX_SELECTORS));
  for (let i = 0; i < selectorCount; i++) {
    let j = 0;
    while (reader.bit())
      if (++j >= groups) throw new DecompressError('corrupt', 'bzip2 selector out of range');
    const g = groupMtf[j]!;
    groupMtf.splice(j, 1);
    groupMtf.unshift(g);
    if (i < MAX_SELECTORS) selectors[i] = g;
  }

  const tables: Huffman[] = [];
  const lengths = new Uint8Array(alphaSize);
  for (let t = 0; t < groups; t++) {
    let len = reader.bits(5);
    for (let s = 0; s < alphaSize; s++) {
      for (;;) {
        if (len < 1 || len > MAX_CODE_LENGTH)
          throw new DecompressError('corrupt', 'bzip2 code length out of range');
        if (!reader.bit()) break;
        len += reader.bit() ? -1 : 1;
      }
      lengths[s] = len;
    }
    tables.push(makeHuffman(lengths, alphaSize));
  }

  // Huffman → MTF/RUNA/RUNB → bytes in tt (low 8 bits).
  const eob = alphaSize - 1;
  const mtf = Uint8Array.from(seqToUnseq);
  const counts = new Uint32Array(256);
  let n = 0;
  let selector = 0;
  let left = 0;
  let table = tables[0]!;
  let run = 0;
  let runWeight = 1;
  for (;;) {
    if (left === 0) {
      if (selector >= selectors.length) throw new DecompressError('corrupt', 'bzip2 selectors exhausted');
      table = tables[selectors[selector++]!]!;
      left = 50;
    }
    left--;
    const sym = decodeSymbol(reader, table);
    if (sym <= 1) {
      run += runWeight << sym;
      runWeight <<= 1;
      if (run > maxBlock) throw new DecompressError('corrupt', 'bzip2 run longer than the block');
      continue;
    }
    if (run > 0) {
      if (n + run > maxBlock) throw new DecompressError('corrupt', 'bzip2 block longer than its level');
      const b = mtf[0]!;
      counts[b] = counts[b]! + run;
      tt.fill(b, n, n + run);
      n += run;
      run = 0;
      runWeight = 1;
    }
    if (sym === eob) break;
    if (n >= maxBlock) throw new DecompressError('corrupt', 'bzip2 block longer than its level');
    const index = sym - 1;
    const b = mtf[index]!;
    mtf.copyWithin(1, 0, index);
    mtf[0] = b;
    counts[b]!++;
    tt[n++] = b;
  }
  if (origPtr >= n) throw new DecompressError('corrupt', 'bzip2 origPtr outside the block');

  // Inverse Burrows–Wheeler: link each position to the next byte of the original text.
  const start = new Uint32Array(256);
  for (let i = 0, sum = 0; i < 256; i++) {
    start[i] = sum;
    sum += counts[i]!;
  }
  for (let i = 0; i < n; i++) {
    const b = tt[i]! & 0xff;
    const j = start[b]!++;
    tt[j] = tt[j]! | (i << 8);
  }

  // Undo the initial run-length step (4 equal bytes, then a repeat count) and CRC the output.
  let crc = 0xffffffff;
  let pos = tt[origPtr]! >>> 8;
  let last = -1;
  let same = 0;
  for (let k = 0; k < n; k++) {
    const entry = tt[pos]!;
    const b = entry & 0xff;
    pos = entry >>> 8;
    if (same === 4) {
      for (let r = 0; r < b; r++) {
        out.push(last);
        crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ last) & 0xff]!) >>> 0;
      }
      same = 0;
      last = -1;
      continue;
    }
    same = b === last ? same + 1 : 1;
    last = b;
    out.push(b);
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  }
  out.tick();
  return ~crc >>> 0;
}
