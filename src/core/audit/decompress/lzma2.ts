/**
 * LZMA2 (the only filter xz uses by default), written from the LZMA specification: a range
 * decoder over adaptive bit probabilities, literals, matches and four repeat distances, in chunks
 * that may reset the dictionary, the state or the properties. Output goes to a BoundedOutput.
 */
import { type BoundedOutput, DecompressError } from './bounded.js';

const PROB_INIT = 1024;
const STATES = 12;
const POS_STATES_MAX = 16;
const END_POS_MODEL_INDEX = 14;
const FULL_DISTANCES = 128;
const ALIGN_BITS = 4;

function corrupt(message: string): never {
  throw new DecompressError('corrupt', `xz: ${message}`);
}

/**
 * Range and code are kept as int32 (V8 keeps them in registers instead of boxing uint32 values as
 * doubles); unsigned comparisons flip the sign bit of both sides.
 */
class RangeDecoder {
  private range = -1;
  private code = 0;
  private pos: number;
  constructor(
    private readonly data: Uint8Array,
    start: number,
    private readonly end: number,
  ) {
    if (end - start < 5) corrupt('LZMA chunk too short for its range coder');
    if (data[start] !== 0) corrupt('LZMA range coder does not start with 0');
    this.code =
      (data[start + 1]! << 24) | (data[start + 2]! << 16) | (data[start + 3]! << 8) | data[start + 4]!;
    this.pos = start + 5;
  }

  private normalize(): void {
    if ((this.range & 0xff000000) === 0) {
      if (this.pos >= this.end) corrupt('LZMA chunk ends inside its compressed data');
      this.range <<= 8;
      this.code = (this.code << 8) | this.data[this.pos++]!;
    }
  }

  bit(probs: Uint16Array, i: number): number {
    const p = probs[i]!;
    const bound = Math.imul(this.range >>> 11, p);
    let bit: number;
    if ((this.code ^ 0x80000000) < (bound ^ 0x80000000)) {
      this.range = bound;
      probs[i] = p + ((2048 - p) >>> 5);
      bit = 0;
    } else {
      this.range = (this.range - bound) | 0;
      this.code = (this.code - bound) | 0;
      probs[i] = p - (p >>> 5);
      bit = 1;
    }
    this.normalize();
    return bit;
  }

  direct(count: number): number {
    let result = 0;
    for (let i = 0; i < count; i++) {
      this.range = this.range >>> 1;
      let bit = 0;
      if ((this.code ^ 0x80000000) >= (this.range ^ 0x80000000)) {
        this.code = (this.code - this.range) | 0;
        bit = 1;
      }
      result = ((result << 1) | bit) >>> 0;
      this.normalize();
    }
    return result;
  }

  tree(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this.bit(probs, base + m);
    return m - (1 << bits);
  }

  reverseTree(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    let result = 0;
    for (let i = 0; i < bits; i++) {
      const bit = this.bit(probs, base + m);
      m = (m << 1) | bit;
      result |= bit << i;
    }
    return result;
  }

  /** A chunk is well formed when its coder ends with code 0 exactly at its last byte. */
  finished(): boolean {
    return this.code === 0 && this.pos === this.end;
  }
}

class LengthDecoder {
  // choice, choice2, low[16][8], mid[16][8], high[256]
  readonly probs = new Uint16Array(2 + POS_STATES_MAX * 16 + 256);
  reset(): void {
    this.probs.fill(PROB_INIT);
  }
  decode(rc: RangeDecoder, posState: number): number {
    const p = this.probs;
    if (!rc.bit(p, 0)) return rc.tree(p, 2 + posState * 8, 3);
    if (!rc.bit(p, 1)) return 8 + rc.tree(p, 2 + POS_STATES_MAX * 8 + posState * 8, 3);
    return 16 + rc.tree(p, 2 + POS_STATES_MAX * 16, 8);
  }
}

/** The decoder state that lives across the chunks of one xz block. */
export class Lzma2Decoder {
  private lc = 0;
  private lp = 0;
  private pb = 0;
  private literal = new Uint16Array(0x300);
  private readonly isMatch = new Uint16Array(STATES * POS_STATES_MAX);
  private readonly isRep = new Uint16Array(STATES);
  private readonly isRepG0 = new Uint16Array(STATES);
  private readonly isRepG1 = new Uint16Array(STATES);
  private readonly isRepG2 = new Uint16Array(STATES);
  private readonly isRep0Long = new Uint16Array(STATES * POS_STATES_MAX);
  private readonly posSlot = new Uint16Array(4 * 64);
  private readonly posSpecial = new Uint16Array(1 + FULL_DISTANCES - END_POS_MODEL_INDEX);
  private readonly align = new Uint16Array(1 << ALIGN_BITS);
  private readonly lengths = new LengthDecoder();
  private readonly repLengths = new LengthDecoder();
  private state = 0;
  private reps = [0, 0, 0, 0];
  /** Output position where the dictionary was last reset. */
  private dictStart = 0;
  private needDictReset = true;
  private needProps = true;

  constructor(
    private readonly out: BoundedOutput,
    private readonly dictSize: number,
  ) {}

  /** Decodes LZMA2 chunks from `data[pos..]` up to the end marker; returns the offset after it. */
  decode(data: Uint8Array, pos: number, end: number): number {
    for (;;) {
      if (pos >= end) throw new DecompressError('truncated', 'xz: LZMA2 data ends without its end marker');
      const control = data[pos++]!;
      if (control === 0x00) return pos;
      if (control >= 0xe0 || control === 0x01) {
        this.needProps = true;
        this.needDictReset = false;
        this.dictStart = this.out.length;
      } else if (this.needDictReset) corrupt('first LZMA2 chunk does not reset the dictionary');
      if (control < 0x80) {
        if (control > 0x02) corrupt(`LZMA2 control byte 0x${control.toString(16)}`);
        if (pos + 2 > end) throw new DecompressError('truncated', 'xz: LZMA2 chunk header cut off');
        const size = ((data[pos]! << 8) | data[pos + 1]!) + 1;
        pos += 2;
        if (pos + size > end) throw new DecompressError('truncated', 'xz: uncompressed LZMA2 chunk cut off');
        this.out.append(data.subarray(pos, pos + size));
        pos += size;
        continue;
      }
      if (pos + 4 > end) throw new DecompressError('truncated', 'xz: LZMA2 chunk header cut off');
      const unpacked = ((control & 0x1f) << 16) + ((data[pos]! << 8) | data[pos + 1]!) + 1;
      const packed = ((data[pos + 2]! << 8) | data[pos + 3]!) + 1;
      pos += 4;
      const reset = (control >> 5) & 3;
      if (reset >= 2) {
        if (pos >= end) throw new DecompressError('truncated', 'xz: LZMA2 properties cut off');
        this.setProps(data[pos++]!);
        this.needProps = false;
      } else if (this.needProps) corrupt('LZMA2 chunk without the properties it needs');
      if (reset >= 1) this.resetState();
      if (pos + packed > end) throw new DecompressError('truncated', 'xz: LZMA chunk cut off');
      this.chunk(new RangeDecoder(data, pos, pos + packed), this.out.length + unpacked);
      pos += packed;
    }
  }

  private setProps(byte: number): void {
    if (byte >= 9 * 5 * 5) corrupt('LZMA properties byte out of range');
    this.lc = byte % 9;
    this.lp = Math.floor(byte / 9) % 5;
    this.pb = Math.floor(byte / 45);
    if (this.lc + this.lp > 4) corrupt('LZMA2 needs lc + lp ≤ 4');
    this.literal = new Uint16Array(0x300 << (this.lc + this.lp));
  }

  private resetState(): void {
    for (const p of [
      this.literal,
      this.isMatch,
      this.isRep,
      this.isRepG0,
      this.isRepG1,
      this.isRepG2,
      this.isRep0Long,
      this.posSlot,
      this.posSpecial,
      this.align,
    ])
      p.fill(PROB_INIT);
    this.lengths.reset();
    this.repLengths.reset();
    this.state = 0;
    this.reps = [0, 0, 0, 0];
  }

  private chunk(rc: RangeDecoder, stop: number): void {
    const out = this.out;
    const pbMask = (1 << this.pb) - 1;
    const lpMask = (1 << this.lp) - 1;
    while (out.length < stop) {
      const pos = out.length - this.dictStart;
      const posState = pos & pbMask;
      const s = this.state;
      if (!rc.bit(this.isMatch, (s << 4) + posState)) {
        const prev = pos > 0 ? out.at(out.length - 1) : 0;
        const base = 0x300 * (((pos & lpMask) << this.lc) + (prev >> (8 - this.lc)));
        let symbol = 1;
        if (s >= 7) {
          let matchByte = out.at(out.length - this.reps[0]! - 1);
          while (symbol < 0x100) {
            const matchBit = (matchByte >> 7) & 1;
            matchByte <<= 1;
            const bit = rc.bit(this.literal, base + ((1 + matchBit) << 8) + symbol);
            symbol = (symbol << 1) | bit;
            if (matchBit !== bit) break;
          }
        }
        while (symbol < 0x100) symbol = (symbol << 1) | rc.bit(this.literal, base + symbol);
        out.push(symbol - 0x100);
        this.state = s < 4 ? 0 : s < 10 ? s - 3 : s - 6;
        continue;
      }
      let len: number;
      if (rc.bit(this.isRep, s)) {
        if (pos === 0) corrupt('LZMA repeat match before any output');
        if (!rc.bit(this.isRepG0, s)) {
          if (!rc.bit(this.isRep0Long, (s << 4) + posState)) {
            this.state = s < 7 ? 9 : 11;
            out.push(out.at(out.length - this.reps[0]! - 1));
            continue;
          }
        } else {
          let dist: number;
          if (!rc.bit(this.isRepG1, s)) dist = this.reps[1]!;
          else {
            if (!rc.bit(this.isRepG2, s)) dist = this.reps[2]!;
            else {
              dist = this.reps[3]!;
              this.reps[3] = this.reps[2]!;
            }
            this.reps[2] = this.reps[1]!;
          }
          this.reps[1] = this.reps[0]!;
          this.reps[0] = dist;
        }
        len = this.repLengths.decode(rc, posState);
        this.state = s < 7 ? 8 : 11;
      } else {
        this.reps[3] = this.reps[2]!;
        this.reps[2] = this.reps[1]!;
        this.reps[1] = this.reps[0]!;
        len = this.lengths.decode(rc, posState);
        this.state = s < 7 ? 7 : 10;
        this.reps[0] = this.distance(rc, len);
      }
      const distance = this.reps[0]! + 1;
      if (distance > pos || distance > this.dictSize) corrupt('LZMA match reaches before the dictionary');
      const length = len + 2;
      if (out.length + length > stop) corrupt('LZMA match runs past its chunk');
      out.copyBack(distance, length);
    }
    if (!rc.finished()) corrupt('LZMA chunk sizes do not match its data');
  }

  private distance(rc: RangeDecoder, len: number): number {
    const lenState = Math.min(len, 3);
    const slot = rc.tree(this.posSlot, lenState * 64, 6);
    if (slot < 4) return slot;
    const direct = (slot >> 1) - 1;
    let dist = ((2 | (slot & 1)) << direct) >>> 0;
    if (slot < END_POS_MODEL_INDEX) return dist + rc.reverseTree(this.posSpecial, dist - slot, direct);
    dist = (dist + ((rc.direct(direct - ALIGN_BITS) << ALIGN_BITS) >>> 0)) >>> 0;
    dist = (dist + rc.reverseTree(this.align, 0, ALIGN_BITS)) >>> 0;
    if (dist === 0xffffffff) corrupt('LZMA end marker inside LZMA2');
    return dist;
  }
}
