/**
 * What every decoder here shares: a growable output that refuses to pass a byte cap or a deadline,
 * and one error type whose `kind` tells the scanner how to report the stream. Decoders call
 * `output.tick()` often enough that a hostile stream cannot keep the thread longer than a block.
 */

export type DecompressErrorKind =
  /** The stream would inflate past the byte cap (total or ratio). */
  | 'limit'
  /** The time cap was reached. */
  | 'time'
  /** The stream ends before its end marker. */
  | 'truncated'
  /** Bytes that the format does not allow (bad magic, bad code, bad checksum …). */
  | 'corrupt'
  /** Valid but not decodable here (a filter, a dictionary, a randomised block). */
  | 'unsupported';

export class DecompressError extends Error {
  constructor(
    readonly kind: DecompressErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export interface DecompressCaps {
  /** Most bytes the stream may inflate to. */
  maxOutput: number;
  /** Date.now() past which decoding stops. */
  deadline: number;
}

export class BoundedOutput {
  private buf: Uint8Array;
  length = 0;
  private nextTick = 0;

  constructor(private readonly caps: DecompressCaps) {
    this.buf = new Uint8Array(Math.min(64 * 1024, Math.max(16, caps.maxOutput)));
  }

  /** Makes room for `n` more bytes or throws (limit). Returns the buffer to write into. */
  reserve(n: number): Uint8Array {
    const need = this.length + n;
    if (need > this.caps.maxOutput)
      throw new DecompressError('limit', `inflates past ${this.caps.maxOutput} bytes`);
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.min(this.caps.maxOutput, Math.max(need, this.buf.length * 2)));
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    if (need >= this.nextTick) {
      this.tick();
      this.nextTick = need + 256 * 1024;
    }
    return this.buf;
  }

  push(byte: number): void {
    if (this.length >= this.buf.length || this.length >= this.nextTick) this.reserve(1);
    this.buf[this.length++] = byte;
  }

  append(bytes: Uint8Array): void {
    const buf = this.reserve(bytes.length);
    buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Copies `length` bytes from `distance` bytes back (overlapping copies repeat, as LZ77 wants). */
  copyBack(distance: number, length: number): void {
    const buf = this.reserve(length);
    let from = this.length - distance;
    let to = this.length;
    const end = to + length;
    if (distance >= length) buf.copyWithin(to, from, from + length);
    else while (to < end) buf[to++] = buf[from++]!;
    this.length = end;
  }

  at(index: number): number {
    return this.buf[index]!;
  }

  /** Throws when the deadline has passed. */
  tick(): void {
    if (Date.now() > this.caps.deadline) throw new DecompressError('time', 'time limit reached');
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
