import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelFormatError, UsageError } from '../../core/errors.js';
import { oneLine } from '../../core/onnx/model-codec.js';
import { loadOrt, type OrtModule } from './load-ort.js';
import type { CreateSession, ModelRuntime, RuntimeOptions, RuntimeValueInfo } from './model-runtime.js';
import { fromOrt, toOrt } from './ort-tensor.js';
import { onnxTypeName, type RuntimeTensor } from './runtime-tensor.js';

export type {
  CreateSession,
  ModelRuntime,
  RunOptions,
  RuntimeOptions,
  RuntimeValueInfo,
  TimedRun,
} from './model-runtime.js';

/**
 * Creates an onnxruntime-node session from a file path (external data resolves next to it) or from
 * bytes. onnxruntime is imported here, on first call. Load failures (corrupt file, unsupported
 * operator or opset) become a one-line ModelFormatError; a missing file a UsageError.
 */
export const createSession: CreateSession = async (model, options = {}) => {
  const ort = await loadOrt();
  const source = sourceName(model, options);
  const sessionOptions = sessionOptionsFor(options);
  refuseEmpty(model, source);
  let session: InferenceSession;
  try {
    session =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model, sessionOptions)
        : await ort.InferenceSession.create(model, sessionOptions);
  } catch (error) {
    throw loadError(error, source);
  }
  return wrapSession(ort, session, source);
};

/** How messages name the model: the caller's name, else the quoted path. */
export function sourceName(model: string | Uint8Array, options: RuntimeOptions): string {
  return options.source ?? (typeof model === 'string' ? `'${model}'` : 'model');
}

/** onnxruntime's session options for ours (plain data, so a worker thread can receive them). */
export function sessionOptionsFor(options: RuntimeOptions): InferenceSession.SessionOptions {
  return {
    logSeverityLevel: 4, // fatal only: warnings are noise here, and load errors come back as the exception we wrap
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    ...(options.optimization ? { graphOptimizationLevel: options.optimization } : {}),
    ...(options.optimizedModelPath ? { optimizedModelFilePath: options.optimizedModelPath } : {}),
    ...(options.spinning === undefined
      ? {}
      : { extra: { session: { intra_op: { allow_spinning: options.spinning ? '1' : '0' } } } }),
  };
}

/** Zero bytes are no model; onnxruntime's own message for them is obscure. */
export function refuseEmpty(model: string | Uint8Array, source: string): void {
  if (typeof model !== 'string' && model.length === 0) {
    throw new ModelFormatError(`${source} is empty (0 bytes), not an ONNX model`, {
      fix: 'export the model again',
    });
  }
}

/** Sorts onnxruntime's load failures into what the user should do about them. */
export function loadError(error: unknown, source: string): UsageError {
  const message = oneLine(error);
  if (/file doesn't exist/i.test(message)) {
    return new UsageError(`model file ${source} does not exist`, {
      fix: 'check the --model path',
      cause: error,
    });
  }
  const corrupt = /protobuf parsing failed/i.test(message);
  return new ModelFormatError(`onnxruntime cannot load ${source}: ${message}`, {
    fix: corrupt
      ? 'the file is truncated or not ONNX; export the model again'
      : 'export the model with operators and an opset onnxruntime 1.30 supports',
    cause: error,
  });
}

function wrapSession(ort: OrtModule, session: InferenceSession, source: string): ModelRuntime {
  const describe = (m: InferenceSession.ValueMetadata): RuntimeValueInfo =>
    m.isTensor
      ? { name: m.name, isTensor: true, elementType: onnxTypeName(m.type), shape: m.shape.map(normalizeDim) }
      : { name: m.name, isTensor: false, elementType: undefined, shape: undefined };
  const inputNames = [...session.inputNames];
  const outputs = session.outputMetadata.map(describe);
  const tensorOutputs = outputs.filter((o) => o.isTensor).map((o) => o.name);
  const runTimed: NonNullable<ModelRuntime['runTimed']> = async (feeds, outputNames) => {
    checkRunRequest(source, inputNames, outputs, feeds, outputNames);
    const ortFeeds: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrt(ort, t);
    let results: InferenceSession.ReturnType;
    const started = performance.now();
    try {
      results = await session.run(ortFeeds, [...(outputNames ?? tensorOutputs)]);
    } catch (error) {
      throw runError(source, error);
    }
    const ms = performance.now() - started;
    const plain = Object.entries(results).map(([name, value]) => [name, fromOrt(value as Tensor)]);
    return { outputs: Object.fromEntries(plain) as Record<string, RuntimeTensor>, ms };
  };
  return {
    inputNames,
    outputNames: [...session.outputNames],
    inputs: session.inputMetadata.map(describe),
    outputs,
    run: async (feeds, outputNames) => (await runTimed(feeds, outputNames)).outputs,
    runTimed,
    async release() {
      await session.release();
    },
  };
}

/** A failed run: the inputs did not fit the model (names, types, shapes), which the user fixes. */
export function runError(source: string, error: unknown): UsageError {
  return new UsageError(`onnxruntime failed to run ${source}: ${oneLine(error)}`, {
    fix: 'check that the inputs match the model signature (names, element types, shapes)',
    cause: error,
  });
}

/**
 * Checks a run request against the model before it reaches onnxruntime: exactly the model's
 * inputs are fed, and only tensor outputs are asked for (onnxruntime-node cannot return
 * sequences or maps, such as ZipMap's output).
 */
export function checkRunRequest(
  source: string,
  inputNames: readonly string[],
  outputs: readonly RuntimeValueInfo[],
  feeds: Record<string, RuntimeTensor>,
  outputNames: readonly string[] | undefined,
): void {
  const missing = inputNames.filter((n) => !(n in feeds));
  const unknown = Object.keys(feeds).filter((n) => !inputNames.includes(n));
  if (missing.length > 0 || unknown.length > 0) {
    const what = missing.length > 0 ? `input '${missing[0]}' was not fed` : `'${unknown[0]}' is not an input`;
    throw new UsageError(`${source}: ${what}`, {
      fix: `feed exactly these inputs: ${inputNames.join(', ')}`,
    });
  }
  const nonTensor = outputNames?.find((n) => outputs.some((o) => o.name === n && !o.isTensor));
  if (nonTensor) {
    throw new UsageError(
      `${source}: output '${nonTensor}' is a sequence or map, which onnxruntime-node cannot return`,
      {
        fix: `request tensor outputs only (${outputs
          .filter((o) => o.isTensor)
          .map((o) => o.name)
          .join(', ')}), or drop ZipMap when converting the model`,
      },
    );
  }
}

/** onnxruntime reports an unknown dim as '' (or -1); signatures use null. */
export function normalizeDim(dim: number | string): number | string | null {
  return dim === '' || dim === -1 ? null : dim;
}
