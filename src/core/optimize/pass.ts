// Shared with the quantize helper (src/core/optimize/quantize/**). Change log: `optimizeGraph` added to
// PassContext (optimize helper) — onnxruntime's offline graph optimization, injected by the platform.
import type { ModelProto } from '../onnx/index.js';

/**
 * One optimization pass: a pure transformation of a decoded ONNX model. Passes never touch the
 * caller's model (they return a new ModelProto) so the original is never modified, and a pass that
 * finds nothing it can work on says so instead of failing: the candidate search reports it as
 * skipped with that reason.
 */
export interface OptimizationPass {
  /** Stable name used in `--passes` and in the candidate table, e.g. `int8`, `fp16`, `prune`. */
  readonly name: string;
  /** One line for `--help` and docs. */
  readonly summary: string;
  /**
   * Whether the pass is meant to keep outputs equal (graph rewrites, dead-node removal) within
   * `exactTolerance`; lossy passes (quantization, fp16, pruning) leave it undefined.
   */
  readonly exactTolerance?: number;
  apply(model: ModelProto, context: PassContext): Promise<PassResult> | PassResult;
}

export interface PassContext {
  /**
   * Calibration batches for passes that need activations (static int8): each is a feed of
   * model-input name → values, in the shapes the model expects. Empty when no data was given.
   */
  readonly calibration?: readonly CalibrationFeed[];
  /**
   * Runs a model and returns the named tensors' values for each calibration feed. Provided by the
   * platform layer (onnxruntime-node), so core stays free of the runtime.
   */
  readonly observe?: (
    model: ModelProto,
    feeds: readonly CalibrationFeed[],
    tensorNames: readonly string[],
  ) => Promise<Map<string, Float32Array[]>>;
  /**
   * Runs onnxruntime's offline graph optimization (level basic or extended) on encoded model bytes
   * and returns the optimized model's bytes. Provided by the platform layer, like `observe`.
   */
  readonly optimizeGraph?: (model: Uint8Array, level: 'basic' | 'extended') => Promise<Uint8Array>;
  /** Pass options from `--passes name:key=value` or modelops.yaml, already parsed. */
  readonly options?: Readonly<Record<string, string | number | boolean>>;
}

export type CalibrationFeed = Readonly<
  Record<string, { dims: readonly number[]; data: Float32Array | BigInt64Array | Int32Array }>
>;

export type PassResult =
  { kind: 'changed'; model: ModelProto; notes: string[] } | { kind: 'skipped'; reason: string };
