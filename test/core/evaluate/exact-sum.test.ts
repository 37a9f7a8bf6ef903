import { describe, expect, it } from 'vitest';
import {
  ExactSum,
  exactMean,
  ratioToNumber,
  scaledBigIntToNumber,
} from '../../../src/core/evaluate/exact-sum.js';

function sumOf(values: number[]): ExactSum {
  const sum = new ExactSum();
  for (const v of values) sum.add(v);
  return sum;
}

describe('ExactSum', () => {
  it('rounds the exact sum once: ten 0.1s are 1, where naive addition gives 0.9999999999999999', () => {
    const tenths = new Array<number>(10).fill(0.1);
    expect(tenths.reduce((a, b) => a + b, 0)).toBe(0.9999999999999999);
    expect(sumOf(tenths).toNumber()).toBe(1);
  });

  it('survives catastrophic cancellation and the full exponent range', () => {
    expect(sumOf([1e16, 1, -1e16]).toNumber()).toBe(1);
    expect(sumOf([1e308, 1e308, -1e308, -1e308, 5e-324]).toNumber()).toBe(5e-324);
    expect(sumOf([-1.5, -2.25]).toNumber()).toBe(-3.75);
  });

  it('gives the same bits in any order and across merges', () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10 ** ((i % 13) - 6));
    const forward = sumOf(values).toJSON();
    expect(sumOf([...values].reverse()).toJSON()).toBe(forward);
    const left = sumOf(values.slice(0, 400));
    left.merge(sumOf(values.slice(400)));
    expect(left.toJSON()).toBe(forward);
  });

  it('carries correctly past the batched-carry limit', () => {
    const sum = new ExactSum();
    for (let i = 0; i < 600_000; i++) sum.add(1.5);
    expect(sum.toNumber()).toBe(900_000);
  });

  it('round-trips through JSON, including negative and special values', () => {
    for (const values of [[-1.5], [0.1, -0.3], [Infinity, 1], [Infinity, -Infinity], []]) {
      const sum = sumOf(values);
      expect(Object.is(ExactSum.fromJSON(sum.toJSON()).toNumber(), sum.toNumber())).toBe(true);
    }
    expect(sumOf([Infinity, -Infinity]).toNumber()).toBeNaN();
  });

  it('adds exact squares, so a constant column has exactly zero spread', () => {
    const sum = new ExactSum();
    const squares = new ExactSum();
    for (let i = 0; i < 3; i++) {
      sum.add(0.1);
      squares.addSquare(0.1);
    }
    const n = 3n;
    expect(((n * squares.toBigInt()) << 1074n) - sum.toBigInt() ** 2n).toBe(0n);
  });

  it('divides and scales with a single rounding', () => {
    expect(ratioToNumber(1n, 3n)).toBe(1 / 3);
    expect(ratioToNumber(-2n, 3n)).toBe(-2 / 3);
    expect(scaledBigIntToNumber(3n, -1)).toBe(1.5);
    // 2^53 + 1 is a tie between 2^53 and 2^53 + 2: ties go to even.
    expect(scaledBigIntToNumber(2n ** 53n + 1n, 0)).toBe(2 ** 53);
    expect(exactMean(sumOf([1, 2, 4]), 3)).toBe(7 / 3);
    expect(exactMean(new ExactSum(), 0)).toBeNaN();
  });
});
