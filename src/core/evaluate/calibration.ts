import { EXACT_SCALE_BITS, ExactSum, scaledBigIntToNumber } from './exact-sum.js';
import type { CalibrationState } from './types.js';

/**
 * Expected calibration error (Guo et al., 2017) with 15 equal-width bins over the top-label
 * confidence:
 *
 *   confidence_i = max_j p_ij (binary: max(p, 1−p)),  correct_i = [argmax_j p_ij = y_i]
 *   bin(c) = ((b−1)/15, b/15] for b = 1..15, i.e. index ceil(15·c) − 1, with c = 0 in the first
 *   ECE = Σ_b (n_b / n) · |accuracy_b − mean confidence_b| = (1/n) Σ_b |correct_b − Σ confidence_b|
 *
 * argmax takes the first maximum (numpy's rule), so a binary p = 0.5 predicts class 0. The bins
 * use raw scores: rows are not renormalised. scikit-learn has no ECE; the peer test checks this
 * definition against a numpy transcription of the formula above.
 */
export const CALIBRATION_BINS = 15;

/** The bin a confidence in [0, 1] falls into. */
export function calibrationBin(confidence: number): number {
  return Math.min(CALIBRATION_BINS - 1, Math.max(0, Math.ceil(confidence * CALIBRATION_BINS) - 1));
}

/** Mutable bins; `add` one row at a time, `toJSON` for the state. */
export class CalibrationBins {
  readonly count: number[];
  readonly correct: number[];
  readonly confidence: ExactSum[];

  constructor(state?: CalibrationState) {
    this.count = state ? [...state.count] : new Array<number>(CALIBRATION_BINS).fill(0);
    this.correct = state ? [...state.correct] : new Array<number>(CALIBRATION_BINS).fill(0);
    this.confidence = state
      ? state.confidence.map((sum) => ExactSum.fromJSON(sum))
      : Array.from({ length: CALIBRATION_BINS }, () => new ExactSum());
  }

  add(confidence: number, correct: boolean): void {
    const bin = calibrationBin(confidence);
    this.count[bin] = (this.count[bin] ?? 0) + 1;
    if (correct) this.correct[bin] = (this.correct[bin] ?? 0) + 1;
    this.confidence[bin]?.add(confidence);
  }

  merge(other: CalibrationBins): void {
    for (let b = 0; b < CALIBRATION_BINS; b++) {
      this.count[b] = (this.count[b] ?? 0) + (other.count[b] ?? 0);
      this.correct[b] = (this.correct[b] ?? 0) + (other.correct[b] ?? 0);
      const sum = other.confidence[b];
      if (sum) this.confidence[b]?.merge(sum);
    }
  }

  toJSON(): CalibrationState {
    return {
      count: [...this.count],
      correct: [...this.correct],
      confidence: this.confidence.map((s) => s.toJSON()),
    };
  }
}

/** ECE from bins; NaN for zero rows. */
export function expectedCalibrationError(state: CalibrationState): number {
  const bins = new CalibrationBins(state);
  let rows = 0;
  let gap = 0;
  for (let b = 0; b < CALIBRATION_BINS; b++) {
    rows += bins.count[b] ?? 0;
    // |correct_b − Σconf_b| exactly, rounded once per bin; bins are then summed in a fixed order.
    const confidence = bins.confidence[b]?.toBigInt() ?? 0n;
    const difference = (BigInt(bins.correct[b] ?? 0) << BigInt(EXACT_SCALE_BITS)) - confidence;
    gap += Math.abs(scaledBigIntToNumber(difference, -EXACT_SCALE_BITS));
  }
  return rows === 0 ? Number.NaN : gap / rows;
}
