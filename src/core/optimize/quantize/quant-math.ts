/**
 * Linear quantization arithmetic shared by the int8 passes: q = round(x / scale) + zeroPoint, as
 * ONNX QuantizeLinear defines it (round half to even, saturate to the type's range).
 */

/** Stored element type of quantized weights or activations. */
export type QuantType = 'int8' | 'uint8';

/** Quantized values with one scale/zero point per tensor (axis undefined) or per channel along `axis`. */
export interface Quantized {
  values: Int8Array | Uint8Array;
  scales: Float32Array;
  zeroPoints: Int8Array | Uint8Array;
  axis: number | undefined;
}

/** Round half to even, like QuantizeLinear (Math.round rounds half up). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Scale and zero point covering [min, max] (widened to include 0, so zero stays exact).
 * int8 is symmetric around 0 with range ±127 (zero point 0, what integer kernels expect of weights);
 * uint8 is asymmetric over 0..255. A constant-zero range gets scale 1 so dividing by it is safe.
 */
export function rangeParams(min: number, max: number, type: QuantType): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  if (type === 'int8') {
    const bound = Math.max(Math.abs(lo), Math.abs(hi));
    return { scale: Math.fround(bound > 0 ? bound / 127 : 1), zeroPoint: 0 };
  }
  if (hi - lo === 0) return { scale: 1, zeroPoint: 0 };
  const scale = Math.fround((hi - lo) / 255);
  return { scale, zeroPoint: Math.min(255, Math.max(0, roundHalfEven(-lo / scale))) };
}

/**
 * Quantizes a float tensor. With `axis`, each slice along that axis gets its own scale (per-channel:
 * output channels of Conv weights, output columns of MatMul weights).
 */
export function quantizeTensor(
  values: Float32Array,
  dims: readonly number[],
  type: QuantType,
  axis?: number,
): Quantized {
  const channels = axis === undefined ? 1 : dims[axis]!;
  const inner = axis === undefined ? values.length : dims.slice(axis + 1).reduce((n, d) => n * d, 1);
  const channelOf = (i: number): number => (axis === undefined ? 0 : Math.floor(i / inner) % channels);

  const mins = new Float64Array(channels).fill(Infinity);
  const maxs = new Float64Array(channels).fill(-Infinity);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    const v = values[i]!;
    if (v < mins[c]!) mins[c] = v;
    if (v > maxs[c]!) maxs[c] = v;
  }
  const scales = new Float32Array(channels);
  const zeroPoints = type === 'int8' ? new Int8Array(channels) : new Uint8Array(channels);
  for (let c = 0; c < channels; c++) {
    const p = rangeParams(
      Number.isFinite(mins[c]!) ? mins[c]! : 0,
      Number.isFinite(maxs[c]!) ? maxs[c]! : 0,
      type,
    );
    scales[c] = p.scale;
    zeroPoints[c] = p.zeroPoint;
  }
  const [lo, hi] = type === 'int8' ? [-127, 127] : [0, 255];
  const out = type === 'int8' ? new Int8Array(values.length) : new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    const q = roundHalfEven(values[i]! / scales[c]!) + zeroPoints[c]!;
    out[i] = Math.min(hi, Math.max(lo, Number.isNaN(q) ? 0 : q));
  }
  return { values: out, scales, zeroPoints, axis };
}

/** Values of the quantized tensor mapped back to float (what DequantizeLinear computes). */
export function dequantize(q: Quantized, dims: readonly number[]): Float32Array {
  const channels = q.axis === undefined ? 1 : dims[q.axis]!;
  const inner = q.axis === undefined ? q.values.length : dims.slice(q.axis + 1).reduce((n, d) => n * d, 1);
  const out = new Float32Array(q.values.length);
  for (let i = 0; i < out.length; i++) {
    const c = q.axis === undefined ? 0 : Math.floor(i / inner) % channels;
    out[i] = (q.values[i]! - q.zeroPoints[c]!) * q.scales[c]!;
  }
  return out;
}

/** Weights quantized in blocks along K for onnxruntime's MatMulNBits with bits=8. */
export interface Blockwise {
  /** [N, blocks, blockSize]: column n's K values in blocks, each stored as q + 128 (uint8). */
  data: Uint8Array;
  /** [N, blocks]: one symmetric scale per block (max |w| / 127). */
  scales: Float32Array;
  blocks: number;
}

/**
 * Quantizes a [K, N] MatMul weight for MatMulNBits (bits = 8): each column is cut into blocks of
 * `blockSize` values along K (the last block padded with zeros), each block gets its own
 * symmetric scale, and q = round(w / scale) is stored offset by 128, the zero point MatMulNBits
 * assumes for 8 bits when the model gives none.
 */
export function quantizeBlockwise(values: Float32Array, k: number, n: number, blockSize: number): Blockwise {
  const blocks = Math.ceil(k / blockSize);
  const data = new Uint8Array(n * blocks * blockSize).fill(128);
  const scales = new Float32Array(n * blocks);
  for (let col = 0; col < n; col++) {
    for (let b = 0; b < blocks; b++) {
      const end = Math.min(k, (b + 1) * blockSize);
      let bound = 0;
      for (let row = b * blockSize; row < end; row++)
        bound = Math.max(bound, Math.abs(values[row * n + col]!));
      const scale = Math.fround(bound > 0 ? bound / 127 : 1);
      scales[col * blocks + b] = scale;
      const base = (col * blocks + b) * blockSize - b * blockSize;
      for (let row = b * blockSize; row < end; row++) {
        const q = roundHalfEven(values[row * n + col]! / scale);
        data[base + row] = Math.min(127, Math.max(-127, Number.isNaN(q) ? 0 : q)) + 128;
      }
    }
  }
  return { data, scales, blocks };
}
