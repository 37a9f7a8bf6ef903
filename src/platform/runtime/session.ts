import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelFormatError, UsageError } from '../../core/errors.js';
import { oneLine } from '../../core/onnx/model-codec.js';
import { loadOrt, type OrtModule } from './load-ort.js';
import type { CreateSession, ModelRuntime, RuntimeValueInfo } from './model-runtime.js';
import { fromOrt, toOrt } from './ort-tensor.js';
import { onnxTypeName } from './runtime-tensor.js';

export type { CreateSession, ModelRuntime, RuntimeOptions, RuntimeValueInfo } from './model-runtime.js';

/**
 * Creates an onnxruntime-node session from a file path (external data resolves next to it) or from
 * bytes. onnxruntime is imported here, on first call. Load failures (corrupt file, unsupported
 * operator or opset) become a one-line ModelFormatError; a missing file a UsageError.
 */
export const createSession: CreateSession = async (model, options = {}) => {
  const ort = await loadOrt();
  const source = options.source ?? (typeof model === 'string' ? `'${model}'` : 'model');
  const sessionOptions: InferenceSession.SessionOptions = {
    logSeverityLevel: 4, // fatal only: warnings are noise here, and load errors come back as the exception we wrap
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    ...(options.optimization ? { graphOptimizationLevel: options.optimization } : {}),
    ...(options.optimizedModelPath ? { optimizedModelFilePath: options.optimizedModelPath } : {}),
  };
  if (typeof model !== 'string' && model.length === 0) {
    throw new ModelFormatError(`${source} is empty (0 bytes), not an ONNX model`, {
      fix: 'export the model again',
    });
  }
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

/** Sorts onnxruntime's load failures into what the user should do about them. */
function loadError(error: unknown, source: string): UsageError {
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
  return {
    inputNames,
    outputNames: [...session.outputNames],
    inputs: session.inputMetadata.map(describe),
    outputs,
    async run(feeds, outputNames) {
      const missing = inputNames.filter((n) => !(n in feeds));
      const unknown = Object.keys(feeds).filter((n) => !inputNames.includes(n));
      if (missing.length > 0 || unknown.length > 0) {
        const what =
          missing.length > 0 ? `input '${missing[0]}' was not fed` : `'${unknown[0]}' is not an input`;
        throw new UsageError(`${source}: ${what}`, {
          fix: `feed exactly these inputs: ${inputNames.join(', ')}`,
        });
      }
      const nonTensor = outputNames?.find((n) => outputs.some((o) => o.name === n && !o.isTensor));
      if (nonTensor) {
        throw new UsageError(
          `${source}: output '${nonTensor}' is a sequence or map, which onnxruntime-node cannot return`,
          {
            fix: `request tensor outputs only (${tensorOutputs.join(', ')}), or drop ZipMap when converting the model`,
          },
        );
      }
      const ortFeeds: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrt(ort, t);
      let results: InferenceSession.ReturnType;
      try {
        results = await session.run(ortFeeds, [...(outputNames ?? tensorOutputs)]);
      } catch (error) {
        throw new UsageError(`onnxruntime failed to run ${source}: ${oneLine(error)}`, {
          fix: 'check that the inputs match the model signature (names, element types, shapes)',
          cause: error,
        });
      }
      return Object.fromEntries(
        Object.entries(results).map(([name, value]) => [name, fromOrt(value as Tensor)]),
      );
    },
    async release() {
      await session.release();
    },
  };
}

/** onnxruntime reports an unknown dim as '' (or -1); signatures use null. */
function normalizeDim(dim: number | string): number | string | null {
  return dim === '' || dim === -1 ? null : dim;
}
