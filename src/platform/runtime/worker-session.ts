import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { UsageError } from '../../core/errors.js';
import type { CreateSession, ModelRuntime, RuntimeValueInfo } from './model-runtime.js';
import { onnxTypeName, ortTypeName, type RuntimeTensor } from './runtime-tensor.js';
import {
  checkRunRequest,
  loadError,
  normalizeDim,
  refuseEmpty,
  runError,
  sessionOptionsFor,
  sourceName,
} from './session.js';
import { WORKER_SOURCE } from './worker-source.js';

interface WireTensor {
  type: string;
  dims: number[];
  data: RuntimeTensor['data'];
}
interface WireInfo {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: (number | string)[];
}
interface Ready {
  inputNames: string[];
  outputNames: string[];
  inputs: WireInfo[];
  outputs: WireInfo[];
}
interface Reply {
  id?: number;
  ready?: Ready;
  loadError?: string;
  error?: string;
  outputs?: Record<string, WireTensor>;
  ms?: number;
  returned?: ArrayBuffer[];
}

/**
 * Creates a session that lives in its own worker thread. onnxruntime-node's `run` is synchronous
 * underneath (it only defers the native call with setImmediate), so a session on the main thread
 * stops everything else while it computes. In a worker, the main thread keeps reading, decoding
 * and scoring other batches while a batch runs: callers that keep the next run in flight overlap
 * data work with inference. Same interface, same errors as {@link createSession}.
 */
export const createWorkerSession: CreateSession = async (model, options = {}) => {
  const source = sourceName(model, options);
  refuseEmpty(model, source);
  const replicas = options.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new UsageError(`${replicas} session replicas for ${source} is not a positive whole number`, {
      fix: 'ask for 1 or more sessions',
    });
  }
  const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
  const sessionOptions = sessionOptionsFor({
    ...options,
    // Replicas run side by side, one intra-op thread each, unless the caller says otherwise.
    threads: options.threads ?? (replicas > 1 ? 1 : undefined),
    // No spinning by default: the caller's thread works alongside (decoding, scoring), and threads
    // spinning between runs would take the cores it needs (bench/evaluate-throughput.bench.mjs).
    spinning: options.spinning ?? false,
  });
  const channels = Array.from(
    { length: replicas },
    () =>
      new Channel(
        new Worker(WORKER_SOURCE, { eval: true, workerData: { ortPath, model, options: sessionOptions } }),
        source,
      ),
  );
  const started = await Promise.allSettled(channels.map((c) => c.ready()));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(channels.map((c) => c.close()));
    throw failed.reason;
  }
  const ready = (started[0] as PromiseFulfilledResult<Ready>).value;
  const dispatcher = new Dispatcher(channels);
  const describe = (m: WireInfo): RuntimeValueInfo =>
    m.isTensor
      ? {
          name: m.name,
          isTensor: true,
          elementType: onnxTypeName(m.type!),
          shape: m.shape!.map(normalizeDim),
        }
      : { name: m.name, isTensor: false, elementType: undefined, shape: undefined };
  const inputs = ready.inputs.map(describe);
  const outputs = ready.outputs.map(describe);
  const tensorOutputs = outputs.filter((o) => o.isTensor).map((o) => o.name);
  const runTimed: NonNullable<ModelRuntime['runTimed']> = async (feeds, outputNames, runOptions) => {
    checkRunRequest(source, ready.inputNames, outputs, feeds, outputNames);
    const wire: Record<string, WireTensor> = {};
    const transfer: ArrayBuffer[] = [];
    for (const [name, t] of Object.entries(feeds)) {
      // The caller's own buffer when it may be moved; else a view's rows copied out, and that copy
      // is ours to move; whole buffers the caller keeps are cloned by postMessage.
      const data = runOptions?.transfer && ownedBuffer(t.data) ? t.data : compact(t.data);
      const movable = data === t.data && !runOptions?.transfer ? undefined : ownedBuffer(data);
      if (movable && !transfer.includes(movable)) transfer.push(movable);
      wire[name] = { type: ortTypeName(t.elementType), dims: [...t.dims], data };
    }
    const reply = await dispatcher.request(
      {
        feeds: wire,
        outputs: [...(outputNames ?? tensorOutputs)],
        returnFeeds: Boolean(runOptions?.transfer),
      },
      transfer,
    );
    if (reply.error !== undefined) throw runError(source, new Error(reply.error));
    const plain = Object.entries(reply.outputs ?? {}).map(([name, t]): [string, RuntimeTensor] => [
      name,
      { elementType: onnxTypeName(t.type), dims: t.dims, data: t.data },
    ]);
    return {
      outputs: Object.fromEntries(plain),
      ms: reply.ms ?? 0,
      ...(reply.returned ? { returned: reply.returned } : {}),
    };
  };
  return {
    inputNames: ready.inputNames,
    outputNames: ready.outputNames,
    inputs,
    outputs,
    run: async (feeds, outputNames) => (await runTimed(feeds, outputNames)).outputs,
    runTimed,
    concurrency: replicas,
    release: async () => {
      await Promise.all(channels.map((c) => c.close()));
    },
  };
};

/**
 * Hands requests to replicas as they free up. Each replica holds at most two (one running, one
 * queued behind it, so it never waits for the caller's thread to send the next); the rest wait
 * here in order and go to whichever replica finishes first, so a replica slowed by a busy core
 * does not keep work that an idle one could do.
 */
class Dispatcher {
  private static readonly PER_REPLICA = 2;
  private readonly queue: {
    message: object;
    transfer: ArrayBuffer[];
    settle: (p: Promise<Reply>) => void;
  }[] = [];

  constructor(private readonly channels: readonly Channel[]) {}

  request(message: object, transfer: ArrayBuffer[]): Promise<Reply> {
    return new Promise<Reply>((resolve) => {
      this.queue.push({ message, transfer, settle: resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      // The least busy replica (the first of equals, so a lone request always uses replica 0).
      let best = this.channels[0]!;
      for (const channel of this.channels) if (channel.pending < best.pending) best = channel;
      if (best.pending >= Dispatcher.PER_REPLICA) return;
      const next = this.queue.shift()!;
      const reply = best.request(next.message, next.transfer);
      const pumpAfter = () => this.pump();
      reply.then(pumpAfter, pumpAfter);
      next.settle(reply);
    }
  }
}

/** The buffer a typed array spans whole (so moving it moves nothing else), else undefined. */
function ownedBuffer(data: RuntimeTensor['data']): ArrayBuffer | undefined {
  if (!ArrayBuffer.isView(data) || data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength)
    return undefined;
  return data.buffer instanceof ArrayBuffer ? data.buffer : undefined;
}

/**
 * A typed array view over part of a larger buffer would be cloned whole by postMessage: copy just
 * the view (and move that copy). Whole-buffer views (every decoded batch) are cloned as they are,
 * the one copy a worker needs, unless the caller lets them move; their buffers stay usable by the
 * caller (a baseline runs on the same tensors).
 */
function compact(data: RuntimeTensor['data']): RuntimeTensor['data'] {
  if (!ArrayBuffer.isView(data) || data.byteLength === data.buffer.byteLength) return data;
  return (data as Float32Array).slice() as RuntimeTensor['data'];
}

/** Request/reply over the worker's port; keeps the process alive only while a request waits. */
class Channel {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private starting: { resolve: (r: Ready) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private closed = false;

  constructor(
    private readonly worker: Worker,
    private readonly source: string,
  ) {
    worker.on('message', (reply: Reply) => this.receive(reply));
    worker.on('error', (error) =>
      this.fail(new Error(`onnxruntime's thread for ${source} failed: ${error.message}`)),
    );
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`onnxruntime's thread for ${source} exited (code ${code})`));
    });
  }

  /** Requests sent and not yet answered. */
  get pending(): number {
    return this.waiting.size;
  }

  ready(): Promise<Ready> {
    return new Promise((resolve, reject) => (this.starting = { resolve, reject }));
  }

  request(message: object, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    // A terminated thread never answers: fail now rather than wait forever.
    if (this.closed) return Promise.reject(new Error(`the session for ${this.source} was released`));
    const id = this.nextId++;
    const reply = new Promise<Reply>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.worker.ref();
    this.worker.postMessage({ id, ...message }, transfer);
    return reply;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.failure) await this.request({ release: true }).catch(() => undefined);
    this.closed = true;
    await this.worker.terminate();
  }

  private receive(reply: Reply): void {
    if (reply.ready || reply.loadError !== undefined) {
      const starting = this.starting;
      this.starting = undefined;
      this.worker.unref();
      if (reply.ready) starting?.resolve(reply.ready);
      else {
        this.closed = true;
        void this.worker.terminate();
        starting?.reject(loadError(new Error(reply.loadError), this.source));
      }
      return;
    }
    const waiter = this.waiting.get(reply.id!);
    this.waiting.delete(reply.id!);
    if (this.waiting.size === 0) this.worker.unref();
    waiter?.resolve(reply);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.starting?.reject(error);
    this.starting = undefined;
    for (const { reject } of this.waiting.values()) reject(error);
    this.waiting.clear();
  }
}
