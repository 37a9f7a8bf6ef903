import type { RuntimeTensor } from './runtime-tensor.js';

/** An input or output as onnxruntime reports it; `elementType` uses ONNX names. */
export interface RuntimeValueInfo {
  name: string;
  isTensor: boolean;
  elementType: string | undefined;
  /** Fixed sizes, symbolic names, null for unknown; undefined for non-tensors. */
  shape: (number | string | null)[] | undefined;
}

/** A loaded model ready to run; release() frees the native session. */
export interface ModelRuntime {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputs: readonly RuntimeValueInfo[];
  readonly outputs: readonly RuntimeValueInfo[];
  /**
   * Runs the model. `outputNames` defaults to every tensor output: onnxruntime-node cannot return
   * sequences or maps (ZipMap's output), so those are left out unless asked for, which is an error.
   */
  run(
    feeds: Record<string, RuntimeTensor>,
    outputNames?: readonly string[],
  ): Promise<Record<string, RuntimeTensor>>;
  /**
   * Like run, and says how long onnxruntime itself took (milliseconds), which a caller that keeps
   * several runs in flight cannot measure from outside. Optional: stand-ins may leave it out.
   */
  runTimed?(
    feeds: Record<string, RuntimeTensor>,
    outputNames?: readonly string[],
    options?: RunOptions,
  ): Promise<TimedRun>;
  /**
   * How many runs compute at once (worker sessions with replicas). A caller that keeps this many
   * runs in flight, plus one queued, keeps every replica busy. Undefined means one.
   */
  readonly concurrency?: number;
  release(): Promise<void>;
}

/** A run's outputs and how long onnxruntime took. */
export interface TimedRun {
  outputs: Record<string, RuntimeTensor>;
  /** Milliseconds inside onnxruntime. */
  ms: number;
  /**
   * With `transfer`: the feeds' buffers, moved back once the run is over and referenced by nothing
   * else, for the caller to reuse (worker sessions only).
   */
  returned?: ArrayBuffer[];
}

/** Options for one run. */
export interface RunOptions {
  /**
   * Worker sessions: move the feeds' buffers to the session's thread instead of copying them
   * (feeds that own a whole buffer; the rest are copied). The caller's arrays are detached by the
   * call, so it must not read them again; the memory comes back in `returned`. Main-thread
   * sessions ignore it.
   */
  transfer?: boolean;
}

/** Options for {@link createSession}. */
export interface RuntimeOptions {
  /** Threads inside one operator (default: onnxruntime's choice, one per core). */
  threads?: number;
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Write the optimized graph here (levels basic/extended are portable across machines). */
  optimizedModelPath?: string;
  /** Name used in error messages when the model is given as bytes. */
  source?: string;
  /**
   * Whether the operator thread pool spins while it waits for work (onnxruntime's default: yes).
   * Spinning shaves wake-up latency off each operator but keeps the cores busy between runs.
   */
  spinning?: boolean;
  /**
   * Worker sessions only: this many copies of the session, each in its own thread and each running
   * a different request. With more than one, each copy gets one intra-op thread unless `threads`
   * says otherwise: on a small CPU, whole runs side by side beat one run split across cores
   * (bench/evaluate-throughput.bench.mjs). Default 1.
   */
  replicas?: number;
}

/** Signature of {@link createSession}, for injecting a runtime into verbs. */
export type CreateSession = (model: string | Uint8Array, options?: RuntimeOptions) => Promise<ModelRuntime>;
