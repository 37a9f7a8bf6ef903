import type { Batch, MultilabelState } from './types.js';
import {
  checkArray,
  checkIndicator,
  checkProbability,
  checkRow,
  checkScoredAgreement,
  requirePrediction,
} from './validate-batch.js';

/** Multilabel rows (L independent 0/1 labels each) folded into per-label counts. */
export class MultilabelAccumulator {
  readonly task = 'multilabel' as const;
  readonly numLabels: number;
  readonly threshold: number;
  private rows: number;
  private readonly truePositives: number[];
  private readonly falsePositives: number[];
  private readonly falseNegatives: number[];
  private exactRows: number;
  private scored: boolean | null;
  private readonly yTrue: number[];
  private readonly yScore: number[];

  constructor(numLabels: number, threshold: number, state?: MultilabelState) {
    this.numLabels = numLabels;
    this.threshold = threshold;
    this.rows = state?.rows ?? 0;
    this.truePositives = state ? [...state.truePositives] : new Array<number>(numLabels).fill(0);
    this.falsePositives = state ? [...state.falsePositives] : new Array<number>(numLabels).fill(0);
    this.falseNegatives = state ? [...state.falseNegatives] : new Array<number>(numLabels).fill(0);
    this.exactRows = state?.exactRows ?? 0;
    this.scored = state?.scored ?? null;
    this.yTrue = state ? [...state.yTrue] : [];
    this.yScore = state ? [...state.yScore] : [];
  }

  add(batch: Batch): void {
    requirePrediction(batch);
    const width = this.numLabels;
    const yTrue = checkArray('yTrue', batch.yTrue).map((row, i) =>
      Array.from(checkRow('yTrue', i, row, width), (v, j) => checkIndicator('yTrue', v, i, j)),
    );
    const scores =
      batch.yScore === undefined
        ? undefined
        : checkArray('yScore', batch.yScore, yTrue.length).map((row, i) =>
            Array.from(checkRow('yScore', i, row, width), (v, j) => checkProbability('yScore', v, i, j)),
          );
    const predicted =
      batch.yPred === undefined
        ? scores!.map((row) => row.map((p) => (p > this.threshold ? 1 : 0)))
        : checkArray('yPred', batch.yPred, yTrue.length).map((row, i) =>
            Array.from(checkRow('yPred', i, row, width), (v, j) => checkIndicator('yPred', v, i, j)),
          );
    this.scored = checkScoredAgreement(this.scored, scores !== undefined);

    yTrue.forEach((truth, i) => {
      const guess = predicted[i]!;
      let exact = true;
      for (let j = 0; j < width; j++) {
        const t = truth[j]!;
        const p = guess[j]!;
        if (t === 1 && p === 1) this.truePositives[j]!++;
        else if (p === 1) this.falsePositives[j]!++;
        else if (t === 1) this.falseNegatives[j]!++;
        if (t !== p) exact = false;
      }
      if (exact) this.exactRows++;
      if (scores) {
        for (const t of truth) this.yTrue.push(t);
        for (const s of scores[i]!) this.yScore.push(s);
      }
    });
    this.rows += yTrue.length;
  }

  merge(other: MultilabelAccumulator): void {
    this.scored = other.scored === null ? this.scored : checkScoredAgreement(this.scored, other.scored);
    this.rows += other.rows;
    this.exactRows += other.exactRows;
    for (let j = 0; j < this.numLabels; j++) {
      this.truePositives[j]! += other.truePositives[j]!;
      this.falsePositives[j]! += other.falsePositives[j]!;
      this.falseNegatives[j]! += other.falseNegatives[j]!;
    }
    for (const t of other.yTrue) this.yTrue.push(t);
    for (const s of other.yScore) this.yScore.push(s);
  }

  toState(): MultilabelState {
    return {
      format: 'modelops.evaluate.state',
      version: 1,
      task: 'multilabel',
      rows: this.rows,
      numLabels: this.numLabels,
      threshold: this.threshold,
      truePositives: [...this.truePositives],
      falsePositives: [...this.falsePositives],
      falseNegatives: [...this.falseNegatives],
      exactRows: this.exactRows,
      scored: this.scored,
      yTrue: [...this.yTrue],
      yScore: [...this.yScore],
    };
  }
}
