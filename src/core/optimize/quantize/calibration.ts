import type { ModelProto } from 'onnx-buf';
import { UsageError } from '../../errors.js';
import { extractSignature, type Dim } from '../../onnx/index.js';
import type { CalibrationFeed } from '../pass.js';

const formatShape = (dims: readonly (Dim | number)[]): string =>
  `[${dims.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;

/**
 * Checks calibration batches against the model's inputs before anything runs: every input is
 * fed, with the model's rank and its fixed dims (symbolic dims such as the batch may be any size),
 * and as many values as the dims say. Throws a UsageError naming the input and the expected shape.
 */
export function checkCalibration(model: ModelProto, feeds: readonly CalibrationFeed[]): void {
  const inputs = extractSignature(model).inputs;
  feeds.forEach((feed, index) => {
    const where = feeds.length > 1 ? ` (batch ${index + 1} of ${feeds.length})` : '';
    for (const input of inputs) {
      const given = feed[input.name];
      const expected = input.shape;
      if (!given) {
        throw new UsageError(`calibration data has no values for model input '${input.name}'${where}`, {
          fix: `give a column or array for each model input: ${inputs.map((i) => i.name).join(', ')}`,
        });
      }
      const count = given.dims.reduce((n, d) => n * d, 1);
      const fits =
        !expected ||
        (expected.length === given.dims.length &&
          expected.every((d, i) => typeof d !== 'number' || d === given.dims[i]));
      if (!fits || count !== given.data.length) {
        const shape = expected ? formatShape(expected) : 'any shape';
        throw new UsageError(
          `calibration data for input '${input.name}' has shape ${formatShape(given.dims)}${
            count !== given.data.length ? ` but ${given.data.length} values` : ''
          }; the model expects ${shape}${where}`,
          { fix: `reshape the calibration data for '${input.name}' to ${shape}` },
        );
      }
    }
    const unknown = Object.keys(feed).find((name) => !inputs.some((i) => i.name === name));
    if (unknown) {
      throw new UsageError(`calibration data has '${unknown}', which is not a model input${where}`, {
        fix: `name the calibration columns after the model inputs: ${inputs.map((i) => i.name).join(', ')}`,
      });
    }
  });
}

/** How activation ranges are taken from the observed values. */
export type RangeMethod = 'minmax' | 'percentile';

/**
 * The range [min, max] to quantize an activation over. minmax covers every observed value;
 * percentile clips outliers to the `percentile`-th and (100 − percentile)-th values, which keeps
 * resolution for the bulk of the values when a few are far out.
 */
export function activationRange(
  batches: readonly Float32Array[],
  method: RangeMethod,
  percentile: number,
): [number, number] {
  if (method === 'minmax') {
    let min = Infinity;
    let max = -Infinity;
    for (const batch of batches)
      for (const v of batch) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    return Number.isFinite(min) ? [min, max] : [0, 0];
  }
  const all = new Float32Array(batches.reduce((n, b) => n + b.length, 0));
  let offset = 0;
  for (const batch of batches) {
    all.set(batch, offset);
    offset += batch.length;
  }
  if (all.length === 0) return [0, 0];
  all.sort();
  const at = (q: number): number =>
    all[Math.min(all.length - 1, Math.max(0, Math.round(q * (all.length - 1))))]!;
  return [at(1 - percentile / 100), at(percentile / 100)];
}
