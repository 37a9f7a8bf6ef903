import type { TensorSignature } from '../../core/onnx/signature-types.js';
import type { Logger } from '../../platform/logger.js';
import type { CreateSession } from '../../platform/runtime/index.js';
import { loadServedModel, startV2Server, v2Datatype, type RunningV2Server } from '../../serve/index.js';

/** What the smoke test of a local target found; `reason` says what failed, in one line. */
export type SmokeResult =
  | { ok: true; url: string; outputs: string[] }
  | { ok: false; stage: 'load' | 'ready' | 'infer'; reason: string };

/**
 * The local target's gate before its stage tag: the version is loaded into the embedded KServe V2
 * server, which must report ready and answer one inference whose input is made from the
 * signature (zeros, symbolic dims as 1). The server is stopped whatever happens. A busy port is
 * not a smoke failure but bad input, so its UsageError propagates.
 */
export async function smokeTestLocal(options: {
  model: string;
  version: string;
  bytes: Uint8Array;
  port: number;
  createSession: CreateSession;
  logger: Logger;
}): Promise<SmokeResult> {
  const { model, logger } = options;
  const version = options.version.replace(/^v/, '');
  let served;
  try {
    served = await loadServedModel({
      name: model,
      version,
      bytes: options.bytes,
      source: `${model}@v${version}`,
      createSession: options.createSession,
    });
  } catch (error) {
    return { ok: false, stage: 'load', reason: `it does not load in onnxruntime: ${oneLine(error)}` };
  }
  let server: RunningV2Server;
  try {
    server = await startV2Server({ models: [served], port: options.port, host: '127.0.0.1', logger });
  } catch (error) {
    // The server owns the session once started; a failed start may already have released it.
    await served.runtime.release().catch(() => undefined);
    throw error;
  }
  try {
    const base = `${server.url}/v2/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version)}`;
    const ready = await fetch(`${base}/ready`).catch((error: unknown) => error as Error);
    if (ready instanceof Error || !ready.ok || ((await ready.json()) as { ready?: unknown }).ready !== true)
      return {
        ok: false,
        stage: 'ready',
        reason: `GET ${base}/ready answered ${ready instanceof Error ? ready.message : `HTTP ${ready.status}`}`,
      };
    const body = { id: 'modelops-smoke', inputs: served.signature.inputs.map(syntheticInput) };
    const infer = await fetch(`${base}/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await infer.json().catch(() => ({}))) as {
      error?: string;
      outputs?: { name: string; shape: number[]; data: unknown[] }[];
    };
    if (!infer.ok)
      return {
        ok: false,
        stage: 'infer',
        reason: `infer answered HTTP ${infer.status}: ${answer.error ?? '?'}`,
      };
    const outputs = answer.outputs ?? [];
    const short = outputs.find((o) => o.data.length !== o.shape.reduce((a, b) => a * b, 1));
    if (outputs.length === 0 || short)
      return {
        ok: false,
        stage: 'infer',
        reason: short
          ? `output '${short.name}' holds fewer values than its shape`
          : 'infer returned no outputs',
      };
    logger.info(
      `smoke test passed: ${model} v${version} ready on ${server.url}, one infer → ${outputs.map((o) => `${o.name} [${o.shape.join(', ')}]`).join(', ')}`,
    );
    return { ok: true, url: server.url, outputs: outputs.map((o) => o.name) };
  } finally {
    await server.close();
  }
}

/** One V2 input tensor for a signature input: fixed dims kept, symbolic or unknown dims 1, zeros. */
export function syntheticInput(spec: TensorSignature): Record<string, unknown> {
  const shape = (spec.shape ?? [1]).map((d) => (typeof d === 'number' ? d : 1));
  const count = shape.reduce((a, b) => a * b, 1);
  const datatype = v2Datatype(spec.elementType);
  const zero = datatype === 'BOOL' ? false : datatype === 'BYTES' ? '' : 0;
  return { name: spec.name, shape, datatype, data: new Array<unknown>(count).fill(zero) };
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}
