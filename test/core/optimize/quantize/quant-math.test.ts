import { describe, expect, it } from 'vitest';
import {
  dequantize,
  quantizeBlockwise,
  quantizeTensor,
  rangeParams,
  roundHalfEven,
} from '../../../../src/core/optimize/quantize/quant-math.js';

describe('quantization arithmetic', () => {
  it('rounds half to even like QuantizeLinear', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2, -3]);
  });

  it('int8 is symmetric (zero point 0, ±127); uint8 covers [min, max] widened to 0', () => {
    expect(rangeParams(-0.5, 1.27, 'int8')).toEqual({ scale: Math.fround(0.01), zeroPoint: 0 });
    expect(rangeParams(1, 2.55, 'uint8')).toEqual({ scale: Math.fround(0.01), zeroPoint: 0 });
    expect(rangeParams(-1.275, 1.275, 'uint8')).toEqual({ scale: Math.fround(0.01), zeroPoint: 128 });
    expect(rangeParams(0, 0, 'int8')).toEqual({ scale: 1, zeroPoint: 0 });
  });

  it('per-channel keeps one scale per slice along the axis', () => {
    // [2, 3] with rows of very different magnitude: per row (axis 0) each row gets its own scale.
    const w = new Float32Array([1, -0.5, 0.25, 100, 50, -25]);
    const perRow = quantizeTensor(w, [2, 3], 'int8', 0);
    expect(Array.from(perRow.values)).toEqual([127, -64, 32, 127, 64, -32]);
    expect(Array.from(perRow.scales)).toEqual([Math.fround(1 / 127), Math.fround(100 / 127)]);
    const perColumn = quantizeTensor(w, [2, 3], 'int8', 1);
    expect(perColumn.scales).toHaveLength(3);
    const perTensor = quantizeTensor(w, [2, 3], 'int8');
    expect(Array.from(perTensor.values)).toEqual([1, -1, 0, 127, 64, -32]);
    const back = dequantize(perRow, [2, 3]);
    back.forEach((v, i) =>
      expect(Math.abs(v - w[i]!)).toBeLessThanOrEqual(perRow.scales[i < 3 ? 0 : 1]! / 2 + 1e-6),
    );
  });

  it('uint8 zero points and saturation', () => {
    const q = quantizeTensor(new Float32Array([-1, 0, 3]), [3], 'uint8');
    expect(q.zeroPoints[0]).toBe(64);
    expect(Array.from(q.values)).toEqual([0, 64, 255]);
  });

  it('blockwise (MatMulNBits, 8 bits): blocks along K per column, one scale each, stored as q + 128, last block zero-padded', () => {
    // [K=3, N=2], block size 2: column 0 = [1, -0.5 | 4], column 1 = [0, 0 | -2].
    const w = new Float32Array([1, 0, -0.5, 0, 4, -2]);
    const q = quantizeBlockwise(w, 3, 2, 2);
    expect(q.blocks).toBe(2);
    expect(Array.from(q.scales)).toEqual([1 / 127, 4 / 127, 1, 2 / 127].map(Math.fround));
    // Column 0: [127, -64 (−63.5 rounds to even)], [127, pad]; column 1: [0, 0], [−127, pad].
    expect(Array.from(q.data)).toEqual([255, 64, 255, 128, 128, 128, 1, 128]);
  });
});
