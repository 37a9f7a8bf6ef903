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

  /** Validates the whole batch first, so a bad row leaves the accumulator untouched. */
  add(batch: Batch): void {
    requirePrediction(batch);
    const yTrue = checkArray('yTrue', batch.yTrue);
    const labels = yTrue.map((value, i) => checkLabel(`yTrue`, i, value, this.numClasses));
    const scores = batch.yScore === undefined ? undefined : this.readScores(batch.yScore, labels.length);
    const predicted =
      batch.yPred === undefined
        ? scores!.map((row) => this.predictFromScores(row))
        : checkArray('yPred', batch.yPred, labels.length).map((v, i) =>
            checkLabel('yPred', i, v, this.numClasses),
          );
    this.scored = checkScoredAgreement(this.scored, scores !== undefined);

    labels.forEach((label, i) => {
      const row = this.confusion[label]!;
      const p = predicted[i]!;
      row[p] = (row[p] ?? 0) + 1;
    });
    this.rows += labels.length;
    if (!scores) return;
    labels.forEach((label, i) => {
      const row = scores[i]!;
      this.yTrue.push(label);
      for (const value of row) this.yScore.push(value);
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
    });
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

  /** Every score row as an array of probabilities (one entry for binary). */
  private readScores(field: Batch['yScore'], rows: number): number[][] {
    const values = checkArray('yScore', field, rows);
    if (this.task === 'binary') {
      return values.map((v, i) => [checkProbability(`yScore[${i}]`, v)]);
    }
    return values.map((row, i) =>
      checkRow('yScore', i, row, this.numClasses).map((v, j) => checkProbability(`yScore[${i}][${j}]`, v)),
    );
  }

  private predictFromScores(row: readonly number[]): number {
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
