/**
 * Exact, order-independent summation of doubles, so that shards merged in any order give
 * bit-identical metrics. Every finite double is an integer multiple of 2^-1074, so a sum of doubles
 * is an integer in those units; we keep that integer in 32-bit limbs stored in a Float64Array
 * (exact while each limb stays below 2^53) and only round once, when a metric is finally computed.
 * Compensated (Neumaier) sums were not enough: their result still depends on the order of terms.
 */

/** Units of the fixed-point integer: the value is `integer × 2^-1074`. */
export const EXACT_SCALE_BITS = 1074;

// 2^1024 / 2^-1074 needs 2098 bits, plus headroom for the count of terms: 68 limbs of 32 bits.
const LIMBS = 68;
const LIMB = 4294967296; // 2^32
// Each add puts at most 2^33 into a limb; 2^19 adds keep every limb far below 2^53.
const ADDS_BEFORE_CARRY = 1 << 19;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;
const POW2 = Array.from({ length: 33 }, (_, i) => 2 ** i);
const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's constant for splitting a double in halves

/** A running exact sum of doubles; infinities and NaN are kept aside and win, as in IEEE sums. */
export class ExactSum {
  private readonly limbs = new Float64Array(LIMBS);
  private pending = 0;
  private special = 0; // 0, ±Infinity or NaN: the IEEE sum of all non-finite terms

  /** Adds one double exactly. */
  add(x: number): void {
    f64[0] = x;
    const hi = u32[HI] ?? 0;
    const lo = u32[LO] ?? 0;
    const biasedExponent = (hi >>> 20) & 0x7ff;
    if (biasedExponent === 0x7ff) {
      this.special += x;
      return;
    }
    if (x === 0) return;
    let mantissaHigh = hi & 0xfffff;
    let shift = 0; // subnormals: value = mantissa × 2^-1074
    if (biasedExponent !== 0) {
      mantissaHigh |= 0x100000;
      shift = biasedExponent - 1;
    }
    const limb = shift >>> 5;
    const r = shift & 31;
    // mantissa × 2^r spread over three limbs, every piece an exact integer below 2^33.
    const low = (lo << r) >>> 0;
    const carried = r === 0 ? 0 : lo >>> (32 - r);
    const top = mantissaHigh * (POW2[r] ?? 1);
    const topHigh = Math.floor(top / LIMB);
    const topLow = top - topHigh * LIMB;
    const sign = hi >>> 31 ? -1 : 1;
    const limbs = this.limbs;
    limbs[limb] = (limbs[limb] ?? 0) + sign * low;
    limbs[limb + 1] = (limbs[limb + 1] ?? 0) + sign * (carried + topLow);
    limbs[limb + 2] = (limbs[limb + 2] ?? 0) + sign * topHigh;
    if (++this.pending >= ADDS_BEFORE_CARRY) this.carry();
  }

  /**
   * Adds x² exactly (Dekker's two-product: the rounded square plus its rounding error), so that
   * Σy² − (Σy)²/n is exactly 0 for constant data. Outside |x| ∈ [2^-480, 2^480] the error term
   * under- or overflows and only the rounded square is added.
   */
  addSquare(x: number): void {
    const square = x * x;
    const c = SPLITTER * x;
    const high = c - (c - x);
    const low = x - high;
    const error = high * high - square + 2 * high * low + low * low;
    this.add(square);
    if (Number.isFinite(error) && Math.abs(x) > 2 ** -480) this.add(error);
  }

  /** Adds another sum into this one. */
  merge(other: ExactSum): void {
    for (let i = 0; i < LIMBS; i++) this.limbs[i] = (this.limbs[i] ?? 0) + (other.limbs[i] ?? 0);
    this.special += other.special;
    this.carry();
  }

  /** The non-finite part (0 when every term was finite). */
  get nonFinite(): number {
    return this.special;
  }

  /** The exact sum as an integer count of 2^-1074 units (ignores non-finite terms). */
  toBigInt(): bigint {
    this.carry();
    let total = 0n;
    for (let i = LIMBS - 1; i >= 0; i--) total = (total << 32n) + BigInt(this.limbs[i] ?? 0);
    return total;
  }

  /** The sum rounded once to the nearest double. */
  toNumber(): number {
    if (this.special !== 0 || Number.isNaN(this.special)) return this.special;
    return scaledBigIntToNumber(this.toBigInt(), -EXACT_SCALE_BITS);
  }

  /** JSON form: the exact integer in hex, or the IEEE special value's name. */
  toJSON(): string {
    if (this.special !== 0 || Number.isNaN(this.special)) return String(this.special);
    const value = this.toBigInt();
    return value < 0n ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
  }

  /** Reads what toJSON wrote. */
  static fromJSON(text: string): ExactSum {
    const sum = new ExactSum();
    if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') {
      sum.special = Number(text);
      return sum;
    }
    const negative = text.startsWith('-');
    let value = BigInt(negative ? text.slice(1) : text);
    if (negative) value = -value;
    // Two's-complement limbs: BigInt's & and >> floor, so the low limbs come out non-negative.
    for (let i = 0; i < LIMBS - 1; i++) {
      sum.limbs[i] = Number(value & 0xffffffffn);
      value >>= 32n;
    }
    sum.limbs[LIMBS - 1] = Number(value);
    return sum;
  }

  private carry(): void {
    const limbs = this.limbs;
    for (let i = 0; i < LIMBS - 1; i++) {
      const value = limbs[i] ?? 0;
      const carry = Math.floor(value / LIMB);
      if (carry !== 0) {
        limbs[i] = value - carry * LIMB;
        limbs[i + 1] = (limbs[i + 1] ?? 0) + carry;
      }
    }
    this.pending = 0;
  }
}

/**
 * `value × 2^exponent`, rounded once to the nearest double (ties to even). Results in the
 * subnormal range may be rounded twice; no metric lives there.
 */
export function scaledBigIntToNumber(value: bigint, exponent: number): number {
  if (value === 0n) return 0;
  const negative = value < 0n;
  let magnitude = negative ? -value : value;
  const bits = bitLength(magnitude);
  let shift = 0;
  if (bits > 64) {
    shift = bits - 64;
    const dropped = magnitude & ((1n << BigInt(shift)) - 1n);
    magnitude >>= BigInt(shift);
    // A sticky bit far below the rounding position keeps round-to-nearest honest.
    if (dropped !== 0n) magnitude |= 1n;
  }
  const rounded = Number(magnitude); // BigInt → Number rounds to nearest, ties to even
  const result = multiplyByPowerOfTwo(rounded, exponent + shift);
  return negative ? -result : result;
}

/** `numerator / denominator`, rounded once to the nearest double. */
export function ratioToNumber(numerator: bigint, denominator: bigint): number {
  if (denominator === 0n) throw new RangeError('ratioToNumber: zero denominator');
  if (numerator === 0n) return 0;
  const negative = numerator < 0n !== denominator < 0n;
  const a = numerator < 0n ? -numerator : numerator;
  const b = denominator < 0n ? -denominator : denominator;
  const shift = Math.max(0, 66 + bitLength(b) - bitLength(a));
  const scaled = a << BigInt(shift);
  let quotient = scaled / b;
  if (scaled % b !== 0n) quotient |= 1n;
  const result = scaledBigIntToNumber(quotient, -shift);
  return negative ? -result : result;
}

/** Number of bits of a non-negative BigInt. */
export function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

function multiplyByPowerOfTwo(value: number, exponent: number): number {
  // 2 ** e alone over- or underflows beyond ±1023; apply it in steps that stay representable.
  let result = value;
  let e = exponent;
  while (e > 1000) {
    result *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    result *= 2 ** -1000;
    e += 1000;
  }
  return result * 2 ** e;
}

/** Σ/n for an exact sum, rounded once; NaN for n = 0, the IEEE value when a term was not finite. */
export function exactMean(sum: ExactSum, rows: number): number {
  if (rows === 0) return Number.NaN;
  if (sum.nonFinite !== 0 || Number.isNaN(sum.nonFinite)) return sum.nonFinite;
  return ratioToNumber(sum.toBigInt(), BigInt(rows) << BigInt(EXACT_SCALE_BITS));
}
