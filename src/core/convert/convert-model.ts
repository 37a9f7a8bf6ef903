import { createHash } from 'node:crypto';
import { ModelFormatError } from '../errors.js';
import type { ModelProto, OpsetUpgrade } from '../onnx/index.js';
import { buildTreeEnsembleModel } from './build-tree-model.js';
import { buildLinearModel } from './linear.js';
import { decodeUbjson } from './ubjson.js';
import { readLightgbmText } from './lightgbm-text.js';
import { readXgboostModel } from './xgboost-json.js';
import type { TreeEnsemble } from './tree-ensemble.js';

/** The source formats converted natively, in TypeScript. */
export const CONVERT_SOURCES = ['xgboost', 'lightgbm', 'linear'] as const;
export type ConvertSource = (typeof CONVERT_SOURCES)[number];

/** What a conversion produced, besides the model. */
export interface ConversionInfo {
  /** 'onnx' for ONNX to ONNX, 'command' when the user's exporter wrote the model. */
  from: ConvertSource | 'onnx' | 'command';
  task: string;
  objective?: string;
  trees?: number;
  features: number;
  sourceSha256: string;
  /** Present when `--opset` moved the model to another opset. */
  opset?: OpsetUpgrade;
}

/**
 * Converts a model file's bytes to an ONNX ModelProto. `source` names the file in messages.
 * The model's metadata_props record the source format, the source file's sha256 and the converter.
 */
export function convertModel(
  from: ConvertSource,
  bytes: Uint8Array,
  source: string,
  converterVersion: string,
): { model: ModelProto; info: ConversionInfo } {
  const sourceSha256 = createHash('sha256').update(bytes).digest('hex');
  const metadata = {
    'modelops.source_format': from,
    'modelops.source_sha256': sourceSha256,
    'modelops.converter': `modelops ${converterVersion}`,
  };
  if (from === 'lightgbm') {
    return treeConversion(
      from,
      readLightgbmText(new TextDecoder().decode(bytes), source),
      metadata,
      sourceSha256,
    );
  }
  const document = parseDocument(bytes, source);
  if (from === 'linear') {
    const model = buildLinearModel(document, source, metadata);
    const features = featuresOf(model);
    return {
      model,
      info: {
        from,
        task: String((document as { task?: string }).task ?? 'regression'),
        features,
        sourceSha256,
      },
    };
  }
  return treeConversion(from, readXgboostModel(document, source), metadata, sourceSha256);
}

function treeConversion(
  from: ConvertSource,
  ensemble: TreeEnsemble,
  metadata: Record<string, string>,
  sourceSha256: string,
): { model: ModelProto; info: ConversionInfo } {
  const model = buildTreeEnsembleModel(ensemble, { ...metadata, 'modelops.objective': ensemble.objective });
  return {
    model,
    info: {
      from,
      task: ensemble.task,
      objective: ensemble.objective,
      trees: ensemble.trees.length,
      features: ensemble.numFeatures,
      sourceSha256,
    },
  };
}

/** JSON text, or UBJSON (XGBoost's `.ubj`, which also starts with '{' but is not UTF-8 text). */
function parseDocument(bytes: Uint8Array, source: string): unknown {
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch (jsonError) {
    if (bytes[0] === 0x7b) {
      try {
        return decodeUbjson(bytes);
      } catch {
        // fall through to the JSON message: most corrupt files are damaged JSON
      }
    }
    throw new ModelFormatError(`${source} is neither JSON nor UBJSON: ${(jsonError as Error).message}`, {
      fix: 'check that the file is complete (save the model again)',
    });
  }
}

/** The fixed feature count of a model's first input ([N, features]), 0 when symbolic. */
export function featuresOf(model: ModelProto): number {
  const input = model.graph!.input[0]!;
  const tensor = input.type?.value.case === 'tensorType' ? input.type.value.value : undefined;
  const dim = tensor?.shape?.dim[1]?.value;
  return dim?.case === 'dimValue' ? Number(dim.value) : 0;
}

export function isConvertSource(value: string): value is ConvertSource {
  return (CONVERT_SOURCES as readonly string[]).includes(value);
}
