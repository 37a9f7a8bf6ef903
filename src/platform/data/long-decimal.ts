/**
 * Correctly rounded parsing of decimals with 16 to 19 significant digits and a small negative
 * power of ten (what repr() and pandas.to_csv write for most doubles), without building a string.
 * The digits are split so the integer mantissa M is exact as a double-double (hi + lo); the
 * quotient M / 10^k is then rounded by comparing M against the exact midpoints around the
 * candidate, using error-free products (Dekker). Anything near a tie returns undefined, and the
 * caller falls back to Number().
 */
import { POW10 } from './numeric-text.js';

const DOT = 46;
const SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer); // little-endian hosts: words[0] is the low word

let productError = 0;

/** a * b rounded, with the exact rounding error left in productError. */
function twoProduct(a: number, b: number): number {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  productError = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

function nextUp(x: number): number {
  bits[0] = x;
  if (words[0] === 0xffffffff) {
    words[0] = 0;
    words[1]!++;
  } else {
    words[0]!++;
  }
  return bits[0]!;
}

function nextDown(x: number): number {
  bits[0] = x;
  if (words[0] === 0) {
    words[0] = 0xffffffff;
    words[1]!--;
  } else {
    words[0]!--;
  }
  return bits[0]!;
}

/**
 * The double nearest to the unsigned decimal whose digits (and at most one '.') are
 * bytes[start..end), times 10^exponent; undefined when this path cannot decide.
 * Requires -22 <= exponent < 0.
 */
export function parseLongDecimal(
  bytes: Uint8Array,
  start: number,
  end: number,
  exponent: number,
): number | undefined {
  // M = high * 10^lowDigits + low, with high < 10^15 and low < 10^4: both exact.
  let high = 0;
  let low = 0;
  let lowDigits = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === DOT) continue;
    if (high < 1e14) high = high * 10 + (c - 48);
    else if (lowDigits < 4) {
      low = low * 10 + (c - 48);
      lowDigits++;
    } else return undefined;
  }
  const scaled = twoProduct(high, POW10[lowDigits]!);
  const sum = scaled + low;
  const sumError = low - (sum - scaled); // exact: integers below 2^64 with small low
  const tail = productError + sumError;
  const hi = sum + tail;
  const lo = tail - (hi - sum);
  const divisor = POW10[-exponent]!;
  const eps = hi * 2 ** -90; // far above the rounding error of the residual arithmetic below
  let q = hi / divisor;
  for (let step = 0; step < 3; step++) {
    const exact = twoProduct(q, divisor);
    const residual = hi - exact - productError + lo; // M - q * 10^k
    const aboveUpper = residual - (nextUp(q) - q) * 0.5 * divisor;
    const aboveLower = residual + (q - nextDown(q)) * 0.5 * divisor;
    if (Math.abs(aboveUpper) <= eps || Math.abs(aboveLower) <= eps) return undefined;
    if (aboveUpper > 0) q = nextUp(q);
    else if (aboveLower < 0) q = nextDown(q);
    else return q;
  }
  return undefined;
}
