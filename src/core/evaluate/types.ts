/**
 * Shapes shared by the evaluate core: tasks, batches, the JSON state that shards exchange, and the
 * report `computeMetrics` returns. Labels are class indices 0..k-1; mapping names to indices is
 * the caller's job, so the core never guesses an order.
 */

/** Same spelling as the config's `task`. */
export type Task = 'binary' | 'multiclass' | 'multilabel' | 'regression';

/** Options per task. `threshold` turns probabilities into labels: positive when score > threshold. */
export interface BinaryOptions {
  threshold?: number;
}
export interface MulticlassOptions {
  numClasses: number;
}
export interface MultilabelOptions {
  numLabels: number;
  threshold?: number;
}
export type RegressionOptions = Record<string, never>;

/**
 * One batch of rows. Classification: `yTrue` holds class indices; `yScore` holds probabilities
 * (binary: P(class 1) per row; multiclass: one row of k per row) and/or `yPred` holds predicted
 * indices. Multilabel: 0/1 rows of length L for `yTrue`/`yPred`, probabilities for `yScore`.
 * Regression: numbers in `yTrue` and `yPred`.
 */
export interface Batch {
  yTrue: ReadonlyArray<number> | ReadonlyArray<ReadonlyArray<number>>;
  /** Rows may be typed-array views (e.g. of an output tensor): they are read, never kept. */
  yScore?: ReadonlyArray<number> | ReadonlyArray<ArrayLike<number>>;
  yPred?: ReadonlyArray<number> | ReadonlyArray<ArrayLike<number>>;
}

/** Exact sums travel as the strings `ExactSum.toJSON` writes. */
export type ExactSumJson = string;

interface StateHeader {
  format: 'modelops.evaluate.state';
  version: 1;
  rows: number;
}

/** Equal-width calibration bins over the top-label confidence (see calibration.ts). */
export interface CalibrationState {
  count: number[];
  correct: number[];
  confidence: ExactSumJson[];
}

/**
 * Binary and multiclass state. Counts and exact sums merge by addition; the rank metrics need every
 * (score, label) pair, so `yTrue`/`yScore` grow with the data: O(n·k) numbers.
 */
export interface ClassificationState extends StateHeader {
  task: 'binary' | 'multiclass';
  numClasses: number;
  threshold: number;
  /** confusion[true][predicted] */
  confusion: number[][];
  /** Whether batches carried scores; null until the first batch. All batches must agree. */
  scored: boolean | null;
  logLoss: ExactSumJson;
  brier: ExactSumJson;
  calibration: CalibrationState;
  yTrue: number[];
  /** Row-major: one number per row (binary) or k per row (multiclass). */
  yScore: number[];
}

export interface MultilabelState extends StateHeader {
  task: 'multilabel';
  numLabels: number;
  threshold: number;
  truePositives: number[];
  falsePositives: number[];
  falseNegatives: number[];
  /** Rows whose whole label set was predicted exactly (subset accuracy). */
  exactRows: number;
  scored: boolean | null;
  /** Row-major n×L 0/1 and scores, for roc_auc and average_precision. */
  yTrue: number[];
  yScore: number[];
}

export interface RegressionState extends StateHeader {
  task: 'regression';
  /** Σ|ŷ−y|, Σ(y−ŷ)² (rounded per row, as scikit-learn), Σ|ŷ−y|/max(|y|, ε). */
  absoluteError: ExactSumJson;
  squaredError: ExactSumJson;
  absolutePercentageError: ExactSumJson;
  /** Σy, Σy² (exact squares), Σe, Σe² for e = y−ŷ: the mergeable form of two-pass variances. */
  sumTrue: ExactSumJson;
  sumTrueSquared: ExactSumJson;
  sumResidual: ExactSumJson;
  sumResidualSquared: ExactSumJson;
  maxAbsoluteError: number;
}

/** What `acc.toState()` returns and `mergeStates` combines: plain JSON. */
export type EvaluationState = ClassificationState | MultilabelState | RegressionState;

/** Per-class (or per-label) statistics behind the averaged metrics. */
export interface ClassStats {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** The result of `computeMetrics`. */
export interface MetricReport {
  task: Task;
  rows: number;
  /** Keys are scikit-learn scorer names (snake_case, no `neg_` prefix). */
  metrics: Record<string, number>;
  /**
   * Binary/multiclass: confusion[true][predicted] over all k classes. Multilabel: one
   * [[tn, fp], [fn, tp]] per label, as scikit-learn's multilabel_confusion_matrix. Regression: [].
   */
  confusionMatrix: number[][] | number[][][];
  /** Indexed by class or label; empty for regression. */
  perClass: ClassStats[];
  /** Undefined or ill-defined values and what they were set to, one line each. */
  warnings: string[];
}
