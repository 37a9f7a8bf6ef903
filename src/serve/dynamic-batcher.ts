import { performance } from 'node:perf_hooks';
import type { RuntimeTensor } from '../platform/runtime/runtime-tensor.js';
import { InferRequestError, type DecodedInferRequest } from './infer-request.js';
import type { ServedModel } from './served-model.js';
import type { ServeMetrics } from './serve-metrics.js';

/** How requests for one model are coalesced into one session.run. */
export interface BatchingOptions {
  /** Most rows (first-dimension size) in one run; 1 turns batching off. */
  maxBatchSize: number;
  /** Longest a request waits for others to join its batch; 0 batches only what is already queued. */
  delayMs: number;
}

type Outputs = Record<string, RuntimeTensor>;

interface Pending {
  request: DecodedInferRequest;
  /** Requests with equal keys can be concatenated; undefined runs alone. */
  key: string | undefined;
  rows: number;
  queuedAt: number;
  resolve(outputs: Outputs): void;
  reject(error: unknown): void;
}

/**
 * Dynamic batching for one model. Requests whose inputs agree on everything but the first
 * dimension (same element types, same trailing dims, same requested outputs) are concatenated
 * along it into one session.run of at most `maxBatchSize` rows, and the outputs are split back
 * per request. A session on the JavaScript thread runs one batch at a time (its run holds that
 * thread anyway); worker sessions (`runtime.concurrency` replicas) may each hold a second, full
 * batch queued in the replica's thread, so a replica starts its next batch the moment one ends
 * instead of waiting for the round trip through this thread (bench/serve-throughput: +4–6 %
 * rows/s on the compute-bound model). A partial batch waits here for a free session instead,
 * where requests that arrive meanwhile can still join it.
 * Models whose inputs or outputs have a fixed first dimension are never batched.
 */
export class DynamicBatcher {
  private readonly queue: Pending[] = [];
  /** Rows queued per batch key, so whether the head's batch is full is known without a scan. */
  private readonly queuedRows = new Map<string, number>();
  /** Batches handed to the runtime and not yet answered. */
  private inFlight = 0;
  /** Batches that can compute at once. */
  private readonly sessions: number;
  /** With the full batches queued behind them in worker sessions. */
  private readonly maxInFlight: number;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private batchable: boolean;
  private readonly labels: { model: string };
  /** This model's metric series, looked up on first use (a series appears once it has a value). */
  private seriesCache: ReturnType<DynamicBatcher['lookUpSeries']> | undefined;

  constructor(
    private readonly model: ServedModel,
    private readonly options: BatchingOptions,
    private readonly metrics: ServeMetrics,
  ) {
    this.labels = { model: model.name };
    const replicas = model.runtime.concurrency;
    const workers = replicas !== undefined && Number.isSafeInteger(replicas) && replicas >= 1;
    this.sessions = workers ? replicas : 1;
    this.maxInFlight = workers ? 2 * replicas : 1;
    const firstDimFree = (shape: readonly unknown[] | null) => !shape || typeof shape[0] !== 'number';
    const tensorOutputs = model.signature.outputs.filter((o) => o.kind === 'tensor');
    this.batchable =
      options.maxBatchSize > 1 &&
      model.signature.inputs.every((i) => i.shape !== null && i.shape.length > 0 && firstDimFree(i.shape)) &&
      tensorOutputs.every((o) => firstDimFree(o.shape));
  }

  /** Runs one request, alone or inside a batch; resolves with its own outputs. */
  infer(request: DecodedInferRequest): Promise<Outputs> {
    return new Promise((resolve, reject) => {
      const { key, rows } = this.batchKey(request);
      this.queue.push({ request, key, rows, queuedAt: performance.now(), resolve, reject });
      if (key !== undefined) this.queuedRows.set(key, (this.queuedRows.get(key) ?? 0) + rows);
      this.schedule();
    });
  }

  private batchKey(request: DecodedInferRequest): { key: string | undefined; rows: number } {
    const names = this.model.signature.inputs.map((i) => i.name);
    const rows = request.feeds[names[0]!]?.dims[0] ?? 0;
    if (!this.batchable || rows < 1 || rows >= this.options.maxBatchSize) return { key: undefined, rows };
    const parts: string[] = [request.outputNames?.join(',') ?? '*'];
    for (const name of names) {
      const tensor = request.feeds[name]!;
      if (tensor.dims.length === 0 || tensor.dims[0] !== rows) return { key: undefined, rows };
      parts.push(`${tensor.elementType}[${tensor.dims.slice(1).join(',')}]`);
    }
    return { key: parts.join('|'), rows };
  }

  /**
   * Whether the head's batch need not wait to grow: it runs alone, or requests of its kind hold
   * at least maxBatchSize rows (packing may still leave a few out, which then start the next).
   */
  private headIsFull(): boolean {
    const head = this.queue[0]!;
    return head.key === undefined || this.queuedRows.get(head.key)! >= this.options.maxBatchSize;
  }

  /** Takes a request's rows off its key's count once it leaves the queue for a batch. */
  private dequeued(p: Pending): void {
    if (p.key === undefined) return;
    const left = this.queuedRows.get(p.key)! - p.rows;
    if (left > 0) this.queuedRows.set(p.key, left);
    else this.queuedRows.delete(p.key);
  }

  /** A session is free, or a worker session can queue one more batch and the head's is full. */
  private canDispatch(): boolean {
    if (this.queue.length === 0 || this.inFlight >= this.maxInFlight) return false;
    return this.inFlight < this.sessions || this.headIsFull();
  }

  private schedule(): void {
    if (!this.canDispatch()) return;
    const head = this.queue[0]!;
    const waited = performance.now() - head.queuedAt;
    const full = this.headIsFull();
    if (full || waited >= this.options.delayMs) {
      // Even with no delay, dispatch after the current I/O phase so requests already read join in.
      if (this.options.delayMs > 0 || full) return this.dispatchNow();
      this.timer ??= setImmediate(() => this.dispatchNow());
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.schedule();
    }, this.options.delayMs - waited);
  }

  private dispatchNow(): void {
    this.clearTimer();
    if (!this.canDispatch()) return;
    this.inFlight++;
    const head = this.queue.shift()!;
    this.dequeued(head);
    const batch = [head];
    let rows = head.rows;
    if (head.key !== undefined) {
      for (let i = 0; i < this.queue.length && rows < this.options.maxBatchSize;) {
        const next = this.queue[i]!;
        if (next.key === head.key && rows + next.rows <= this.options.maxBatchSize) {
          batch.push(next);
          rows += next.rows;
          this.queue.splice(i, 1);
          this.dequeued(next);
        } else i++;
      }
    }
    void this.runBatch(batch, rows).finally(() => {
      this.inFlight--;
      this.schedule();
    });
    // Another session is free: start the next batch from what is still queued.
    if (this.queue.length > 0) this.schedule();
  }

  private get series() {
    return (this.seriesCache ??= this.lookUpSeries());
  }

  private lookUpSeries() {
    const { metrics, labels } = this;
    return {
      queueDuration: metrics.queueDuration.child(labels),
      sessionRuns: metrics.sessionRuns.child(labels),
      inferenceDuration: metrics.inferenceDuration.child(labels),
      batchSize: metrics.batchSize.child(labels),
      batchRequests: metrics.batchRequests.child(labels),
    };
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer as NodeJS.Timeout);
    clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = undefined;
  }

  private async runBatch(batch: Pending[], rows: number): Promise<void> {
    const started = performance.now();
    const queueDuration = this.series.queueDuration;
    for (const p of batch) queueDuration.observe((started - p.queuedAt) / 1000);
    if (batch.length === 1) {
      const p = batch[0]!;
      await this.run(p.request.feeds, p.request.outputNames, rows, 1).then(p.resolve, p.reject);
      return;
    }
    let outputs: Outputs;
    try {
      outputs = await this.run(concatFeeds(batch), batch[0]!.request.outputNames, rows, batch.length);
      if (Object.values(outputs).some((t) => t.dims[0] !== rows)) {
        // An output whose first dimension is not the batch: this model cannot be batched after all.
        this.batchable = false;
        throw new Error('outputs do not follow the batch dimension');
      }
    } catch {
      // Run each on its own, so one bad request fails alone and the others still get answers.
      for (const p of batch)
        await this.run(p.request.feeds, p.request.outputNames, p.rows, 1).then(p.resolve, p.reject);
      return;
    }
    let offset = 0;
    for (const p of batch) {
      p.resolve(sliceRows(outputs, offset, p.rows));
      offset += p.rows;
    }
  }

  private async run(
    feeds: Record<string, RuntimeTensor>,
    outputNames: string[] | undefined,
    rows: number,
    requests: number,
  ): Promise<Outputs> {
    const started = performance.now();
    const { runtime } = this.model;
    try {
      // The feeds are this request's (or this batch's) own, read by nothing after the run: a
      // worker-thread session may take their memory instead of copying it.
      if (runtime.runTimed) return (await runtime.runTimed(feeds, outputNames, { transfer: true })).outputs;
      return await runtime.run(feeds, outputNames);
    } catch (error) {
      // The request matched the signature, so what remains is data onnxruntime refuses (e.g. a dim mismatch between inputs).
      throw new InferRequestError('inputs', (error as Error).message);
    } finally {
      const series = this.series;
      series.sessionRuns.inc();
      series.inferenceDuration.observe((performance.now() - started) / 1000);
      series.batchSize.observe(rows);
      series.batchRequests.observe(requests);
    }
  }
}

function concatFeeds(batch: readonly Pending[]): Record<string, RuntimeTensor> {
  const feeds: Record<string, RuntimeTensor> = {};
  for (const name of Object.keys(batch[0]!.request.feeds)) {
    const parts = batch.map((p) => p.request.feeds[name]!);
    const first = parts[0]!;
    const dims = [parts.reduce((sum, t) => sum + t.dims[0]!, 0), ...first.dims.slice(1)];
    if (Array.isArray(first.data)) {
      feeds[name] = { ...first, dims, data: parts.flatMap((t) => t.data as string[]) };
      continue;
    }
    const Ctor = first.data.constructor as new (length: number) => Exclude<RuntimeTensor['data'], string[]>;
    const data = new Ctor(parts.reduce((sum, t) => sum + t.data.length, 0));
    let offset = 0;
    for (const t of parts) {
      (data as Float32Array).set(t.data as Float32Array, offset);
      offset += t.data.length;
    }
    feeds[name] = { ...first, dims, data };
  }
  return feeds;
}

function sliceRows(outputs: Outputs, offset: number, rows: number): Outputs {
  const out: Outputs = {};
  for (const [name, tensor] of Object.entries(outputs)) {
    const rowSize = tensor.dims.slice(1).reduce((a, b) => a * b, 1);
    const start = offset * rowSize;
    const end = (offset + rows) * rowSize;
    const data = Array.isArray(tensor.data)
      ? tensor.data.slice(start, end)
      : (tensor.data as Float32Array).subarray(start, end);
    out[name] = { elementType: tensor.elementType, dims: [rows, ...tensor.dims.slice(1)], data };
  }
  return out;
}
