import type { ModelSignature } from '../../core/onnx/signature-types.js';
import type { Logger } from '../../platform/logger.js';
import {
  createSession,
  createWorkerSession,
  defaultReplicas,
  typedArrayFor,
  type ModelRuntime,
  type RuntimeOptions,
  type RuntimeTensor,
} from '../../platform/runtime/index.js';

/**
 * A batch that takes at least this long on one thread makes the model compute-bound: one session
 * using every core serves it faster than one single-threaded session per core. Measured with
 * bench/serve-throughput.bench.mjs on 2 cores: the wide model (4–6 ms per 64 rows on one thread)
 * served 0.75–0.84× raw `session.run` with one session against 0.68–0.75× with two; the mlp
 * (0.35 ms) did as well or better with two (0.48× against 0.44×).
 */
export const COMPUTE_BOUND_MS = 1.5;

/** How the server's sessions are laid out, and why. */
export interface SessionLayout {
  runtime: ModelRuntime;
  sessions: number;
  /** Median milliseconds of a probe batch on one thread, when the layout was chosen by timing. */
  probeMs?: number;
}

/**
 * serve's default when the user set no layout: one single-threaded worker session per core
 * (whole runs side by side, the main thread free to read requests), unless a batch of
 * `probeRows` rows of zeros takes COMPUTE_BOUND_MS or more on one of them — then those are
 * released and one session with onnxruntime's own threads runs on the main thread. Models whose
 * inputs cannot be made up from the signature (non-numeric, unknown dims) keep the per-core layout.
 */
export async function openDefaultLayout(
  bytes: Uint8Array,
  options: RuntimeOptions,
  signature: ModelSignature,
  probeRows: number,
  logger: Logger,
): Promise<SessionLayout> {
  const replicas = defaultReplicas(bytes.byteLength);
  if (replicas === 1) return { runtime: await createSession(bytes, options), sessions: 1 };
  const perCore = await createWorkerSession(bytes, { ...options, replicas });
  const feeds = probeFeeds(signature, probeRows);
  if (!feeds || !perCore.runTimed) return { runtime: perCore, sessions: replicas };
  let probeMs: number;
  try {
    const times: number[] = [];
    // The first run allocates and packs weights; the median of the next three is the model's cost.
    for (let i = 0; i < 4; i++) times.push((await perCore.runTimed(feeds)).ms);
    probeMs = times.slice(1).sort((a, b) => a - b)[1]!;
  } catch {
    // Zeros are not every model's data (e.g. an index input); leave the choice to the user.
    return { runtime: perCore, sessions: replicas };
  }
  if (probeMs < COMPUTE_BOUND_MS) return { runtime: perCore, sessions: replicas, probeMs };
  await perCore.release();
  logger.info(
    `a ${probeRows}-row batch takes ${probeMs.toFixed(1)} ms on one thread: serving from one session ` +
      `with onnxruntime's threads (pass --sessions ${replicas} for one session per core)`,
  );
  return { runtime: await createSession(bytes, options), sessions: 1, probeMs };
}

/** Zeros of `rows` rows for every input, or undefined when the signature does not fix them. */
export function probeFeeds(
  signature: ModelSignature,
  rows: number,
): Record<string, RuntimeTensor> | undefined {
  const feeds: Record<string, RuntimeTensor> = {};
  for (const input of signature.inputs) {
    const shape = input.shape;
    if (input.kind !== 'tensor' || !shape || shape.length === 0 || typeof shape[0] === 'number')
      return undefined;
    const rest = shape.slice(1);
    if (!rest.every((d): d is number => typeof d === 'number' && d > 0)) return undefined;
    let Ctor;
    try {
      Ctor = typedArrayFor(input.elementType);
    } catch {
      return undefined;
    }
    const dims = [rows, ...rest];
    feeds[input.name] = {
      elementType: input.elementType,
      dims,
      data: new Ctor(dims.reduce((a, b) => a * b, 1)),
    };
  }
  return feeds;
}
