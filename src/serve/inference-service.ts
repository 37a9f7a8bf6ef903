import { DynamicBatcher, type BatchingOptions } from './dynamic-batcher.js';
import type { DecodedInferRequest } from './infer-request.js';
import type { ServedModel } from './served-model.js';
import type { RuntimeTensor } from '../platform/runtime/runtime-tensor.js';
import { observeGarbageCollection } from './gc-metrics.js';
import { createServeMetrics, type ServeMetrics } from './serve-metrics.js';

/** The model or version asked for is not served here: HTTP 404, gRPC NOT_FOUND. */
export class ModelNotFoundError extends Error {
  override readonly name = 'ModelNotFoundError';
}

/** Protocol label values of the request metrics. */
export type Protocol = 'http' | 'grpc';

/** Model label of requests for a model not served here, so unknown names do not grow the metrics. */
export const UNKNOWN_MODEL = '_unknown';

/**
 * What HTTP and gRPC share: the served models, their batchers and the metrics. The protocol
 * front ends decode requests, call {@link infer}, encode answers and {@link record} the outcome.
 */
export class InferenceService {
  readonly metrics: ServeMetrics = createServeMetrics();
  private readonly models: Map<string, { model: ServedModel; batcher: DynamicBatcher }>;
  /** Metric series per model, protocol and status, looked up once each (one record per request). */
  private readonly recorders = new Map<string, (seconds: number) => void>();
  private readonly stopObservingGc: () => void;

  constructor(
    models: readonly ServedModel[],
    batching: BatchingOptions,
    readonly serverVersion: string,
  ) {
    this.models = new Map(
      models.map((m) => [m.name, { model: m, batcher: new DynamicBatcher(m, batching, this.metrics) }]),
    );
    this.stopObservingGc = observeGarbageCollection(this.metrics.gcDuration);
  }

  get modelNames(): string[] {
    return [...this.models.keys()];
  }

  /** The model named (and, when given, at that version); throws ModelNotFoundError. */
  findModel(name: string, version: string | undefined): ServedModel {
    const entry = this.models.get(name);
    if (!entry)
      throw new ModelNotFoundError(
        `model '${name}' is not served here (models: ${this.modelNames.join(', ')})`,
      );
    const model = entry.model;
    if (version && version !== model.version && version !== `v${model.version}`)
      throw new ModelNotFoundError(
        `model '${name}' has no version '${version}' here (serving ${model.version ?? 'an unversioned file'})`,
      );
    return model;
  }

  /** Runs a decoded request through the model's batcher. */
  infer(model: ServedModel, request: DecodedInferRequest): Promise<Record<string, RuntimeTensor>> {
    return this.models.get(model.name)!.batcher.infer(request);
  }

  /** Counts one answered infer request and its duration. */
  record(protocol: Protocol, modelName: string, status: string, seconds: number): void {
    const model = this.models.has(modelName) ? modelName : UNKNOWN_MODEL;
    const key = `${model}\n${protocol}\n${status}`;
    let recorder = this.recorders.get(key);
    if (!recorder) {
      const requests = this.metrics.requests.child({ model, protocol, status });
      const duration = this.metrics.requestDuration.child({ model, protocol });
      recorder = (s) => {
        requests.inc();
        duration.observe(s);
      };
      this.recorders.set(key, recorder);
    }
    recorder(seconds);
  }

  /** Frees every onnxruntime session. */
  async release(): Promise<void> {
    this.stopObservingGc();
    for (const { model } of this.models.values()) await model.runtime.release();
  }
}
