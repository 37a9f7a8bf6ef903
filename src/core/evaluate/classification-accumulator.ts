import { CalibrationBins } from './calibration.js';
import { ExactSum } from './exact-sum.js';
import { binaryLogLoss, brierTerm, multiclassLogLoss } from './probability-losses.js';
import type { Batch, ClassificationState } from './types.js';
import {
  checkArray,
  checkLabel,
  checkProbability,
  checkRow,
  checkScoredAgreement,
  requirePrediction,
} from './validate-batch.js';

/**
 * Binary and multiclass rows folded into counts, exact sums and the (score, label) pairs the rank
 * metrics need. Binary scores are P(class 1), one per row; multiclass scores are k per row.
 */
export class ClassificationAccumulator {
  readonly task: 'binary' | 'multiclass';
  readonly numClasses: number;
  readonly threshold: number;
  private rows: number;
  private readonly confusion: number[][];
  private scored: boolean | null;
  private readonly logLoss: ExactSum;
  private readonly brier: ExactSum;
  private readonly calibration: CalibrationBins;
  private readonly yTrue: number[];
  private readonly yScore: number[];

  constructor(
    task: 'binary' | 'multiclass',
    numClasses: number,
    threshold: number,
    state?: ClassificationState,
  ) {
    this.task = task;
    this.numClasses = numClasses;
    this.threshold = threshold;
    this.rows = state?.rows ?? 0;
    this.confusion = state
      ? state.confusion.map((row) => [...row])
      : Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
    this.scored = state?.scored ?? null;
    this.logLoss = ExactSum.fromJSON(state?.logLoss ?? '0x0');
    this.brier = ExactSum.fromJSON(state?.brier ?? '0x0');
    this.calibration = new CalibrationBins(state?.calibration);
    this.yTrue = state ? [...state.yTrue] : [];
    this.yScore = state ? [...state.yScore] : [];
  }

  /**
   * Validates the whole batch first, so a bad row leaves the accumulator untouched. Plain loops and
   * no per-value allocation: this runs once per batch between onnxruntime runs.
   */
  add(batch: Batch): void {
    requirePrediction(batch);
    const yTrue = checkArray('yTrue', batch.yTrue);
    const rows = yTrue.length;
    const labels = new Array<number>(rows);
    for (let i = 0; i < rows; i++) labels[i] = checkLabel('yTrue', i, yTrue[i], this.numClasses);
    const scores = batch.yScore === undefined ? undefined : this.readScores(batch.yScore, rows);
    const predicted = new Array<number>(rows);
    if (batch.yPred === undefined) {
      for (let i = 0; i < rows; i++) predicted[i] = this.predictFromScores(scores![i]!);
    } else {
      const yPred = checkArray('yPred', batch.yPred, rows);
      for (let i = 0; i < rows; i++) predicted[i] = checkLabel('yPred', i, yPred[i], this.numClasses);
    }
    this.scored = checkScoredAgreement(this.scored, scores !== undefined);

    for (let i = 0; i < rows; i++) this.confusion[labels[i]!]![predicted[i]!]!++;
    this.rows += rows;
    if (!scores) return;
    for (let i = 0; i < rows; i++) {
      const label = labels[i]!;
      const row = scores[i]!;
      this.yTrue.push(label);
      for (let j = 0; j < row.length; j++) this.yScore.push(row[j]!);
      if (this.task === 'binary') {
        const p = row[0]!;
        this.logLoss.add(binaryLogLoss(label, p));
        this.brier.add(brierTerm(label, p));
        this.calibration.add(p > 0.5 ? p : 1 - p, (p > 0.5 ? 1 : 0) === label);
      } else {
        this.logLoss.add(multiclassLogLoss(label, row));
        const top = argmax(row);
        this.calibration.add(row[top]!, top === label);
      }
    }
  }

  merge(other: ClassificationAccumulator): void {
    this.scored = other.scored === null ? this.scored : checkScoredAgreement(this.scored, other.scored);
    this.rows += other.rows;
    other.confusion.forEach((row, t) => row.forEach((count, p) => (this.confusion[t]![p]! += count)));
    this.logLoss.merge(other.logLoss);
    this.brier.merge(other.brier);
    this.calibration.merge(other.calibration);
    for (const label of other.yTrue) this.yTrue.push(label);
    for (const score of other.yScore) this.yScore.push(score);
  }

  toState(): ClassificationState {
    return {
      format: 'modelops.evaluate.state',
      version: 1,
      task: this.task,
      rows: this.rows,
      numClasses: this.numClasses,
      threshold: this.threshold,
      confusion: this.confusion.map((row) => [...row]),
      scored: this.scored,
      logLoss: this.logLoss.toJSON(),
      brier: this.brier.toJSON(),
      calibration: this.calibration.toJSON(),
      yTrue: [...this.yTrue],
      yScore: [...this.yScore],
    };
  }

  /** Every score row, checked: binary rows hold P(class 1) alone, multiclass rows k probabilities. */
  private readScores(field: Batch['yScore'], rows: number): ArrayLike<number>[] {
    const values = checkArray('yScore', field, rows);
    const out = new Array<ArrayLike<number>>(rows);
    if (this.task === 'binary') {
      for (let i = 0; i < rows; i++) out[i] = [checkProbability('yScore', values[i], i)];
      return out;
    }
    for (let i = 0; i < rows; i++) {
      const row = checkRow('yScore', i, values[i], this.numClasses);
      for (let j = 0; j < row.length; j++) checkProbability('yScore', row[j], i, j);
      out[i] = row as ArrayLike<number>;
    }
    return out;
  }

  private predictFromScores(row: ArrayLike<number>): number {
    // Strictly greater: at p = threshold = 0.5 this agrees with argmax([1−p, p]), which picks 0.
    if (this.task === 'binary') return row[0]! > this.threshold ? 1 : 0;
    return argmax(row);
  }
}

/** Index of the first maximum, numpy's argmax rule. */
export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (row[j]! > row[best]!) best = j;
  return best;
}
