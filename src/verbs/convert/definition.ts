import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, extname, relative, resolve } from 'node:path';
import {
  convertModel,
  featuresOf,
  isConvertSource,
  type ConversionInfo,
  checkDeclared,
  parseDeclared,
  parseTolerances,
  type ConvertSource,
  type ParitySummary,
} from '../../core/convert/index.js';
import { ModelFormatError, UsageError } from '../../core/errors.js';
import {
  checkModel,
  extractSignature,
  loadModelFile,
  saveModelFile,
  setMetadata,
  upgradeOpset,
  writeModel,
  type ModelProto,
  type OpsetUpgrade,
} from '../../core/onnx/index.js';
import type { CreateSession } from '../../platform/runtime/index.js';
import { postPullRequestReport } from '../pr-report.js';
import type { ParsedInputs, VerbDefinition, VerbDeps } from '../types.js';
import { checkParity } from './check-parity.js';
import { CONVERT_INPUTS, CONVERT_OUTPUTS } from './inputs.js';
import { readColumns, readMatrix } from './read-matrix.js';
import { opsetLine, renderConvertSummary, renderConvertText } from './render.js';
import { parseExporter, runExporter } from './run-exporter.js';

declare const MODELOPS_VERSION: string; // replaced at build time

/** Parts the verb loads lazily; tests pass their own. */
export interface ConvertParts {
  createSession: () => Promise<CreateSession>;
}

const DEFAULT_PARTS: ConvertParts = {
  createSession: async () => (await import('../../platform/runtime/index.js')).createSession,
};

/** The convert verb: a model file into ONNX, with a parity report when reference outputs are given. */
export function createConvertVerb(parts: ConvertParts = DEFAULT_PARTS): VerbDefinition {
  return {
    name: 'convert',
    description:
      'convert a model into ONNX (XGBoost, LightGBM, linear) and prove parity on data against reference outputs',
    inputs: CONVERT_INPUTS,
    outputs: CONVERT_OUTPUTS,
    examples: [
      'modelops convert --from xgboost --input model.json --output models/churn/model.onnx',
      'modelops convert --from xgboost --input model.ubj --parity-data x.npy --reference y.npy --json',
      'modelops convert --from lightgbm --input model.txt --output model.onnx',
      'modelops convert --from linear --input coefficients.json --output model.onnx',
    ],
    async run(inputs, deps) {
      const from = inputs.from as string | undefined;
      if (!from || (!isConvertSource(from) && from !== 'command' && from !== 'onnx')) {
        throw new UsageError(from ? `--from ${from} is not supported` : '--from is required', {
          fix: 'use --from xgboost, lightgbm, linear, onnx or command',
        });
      }
      const shown = (p: string) => relative(deps.cwd, p) || p;
      const made =
        from === 'command'
          ? await exported(inputs, deps, parts)
          : await converted(from, inputs, deps, shown, parts);
      const { outputPath, encoded, info, seconds } = made;
      deps.logger.info(`converted ${made.input} → ${shown(outputPath)} in ${seconds.toFixed(2)} s`);
      if (info.opset) deps.logger.info(opsetLine(info.opset));
      const parity = await parityFor(inputs, deps, outputPath, parts);
      const sha256 = createHash('sha256').update(encoded).digest('hex');
      const result = {
        input: made.input,
        output: shown(outputPath),
        sha256,
        size: encoded.length,
        conversion: { ...info, seconds },
        parity: parity ?? null,
      };
      const summary = renderConvertSummary(result);
      // One sticky comment per converted model, updated in place on every push.
      const comment = await postPullRequestReport(deps, `convert:${shown(outputPath)}`, summary);
      return {
        exitCode: parity && !parity.passed ? 1 : 0,
        result: {
          ...result,
          ...(comment ? { comment: { id: comment.commentId, action: comment.action } } : {}),
        },
        outputs: {
          output: shown(outputPath),
          sha256,
          parity: parity ? (parity.passed ? 'passed' : 'failed') : 'skipped',
          'max-abs-error': parity ? String(parity.max_abs_error) : '',
        },
        text: renderConvertText(result),
        summary: comment?.overflow ?? summary,
      };
    },
  };
}

export const convertVerb = createConvertVerb();

interface Made {
  input: string;
  outputPath: string;
  encoded: Uint8Array;
  info: ConversionInfo;
  seconds: number;
}

/** A native conversion: read the source file, build the ONNX model, check it, write it atomically. */
async function converted(
  from: ConvertSource | 'onnx',
  inputs: ParsedInputs,
  deps: VerbDeps,
  shown: (p: string) => string,
  parts: ConvertParts,
): Promise<Made> {
  if (!inputs.input) {
    throw new UsageError('--input is required', { fix: 'give the model file to convert: --input PATH' });
  }
  const inputPath = resolve(deps.cwd, String(inputs.input));
  const outputPath = resolve(deps.cwd, outputFor(inputs, inputPath));
  const bytes = await readFile(inputPath).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read --input ${shown(inputPath)}: ${error.code ?? error.message}`, {
      fix: 'check the path (relative paths are from the working directory)',
    });
  });
  const version = typeof MODELOPS_VERSION === 'string' ? MODELOPS_VERSION : 'dev';
  const started = Date.now();
  const { model, info } =
    from === 'onnx'
      ? await restamped(inputPath, bytes, version)
      : convertModel(from, bytes, shown(inputPath), version);
  const problems = checkModel(model);
  if (problems.length > 0) {
    throw new ModelFormatError(
      `${shown(inputPath)}: the model is malformed: ${problems.slice(0, 3).join('; ')}`,
    );
  }
  checkDeclaredSignature(model, inputs);
  const opset = await applyOpset(model, inputs, parts);
  await mkdir(dirname(outputPath), { recursive: true });
  const location = inputs['external-data'] as string | undefined;
  await saveModelFile(outputPath, model, location ? { externalData: { location } } : {});
  const encoded = await readFile(outputPath);
  return {
    input: shown(inputPath),
    outputPath,
    encoded,
    info: opset ? { ...info, opset } : info,
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * `--from onnx`: the model as it is, with external data gathered and metadata_props stamped;
 * with `external-data` its large tensors move to that file (or are embedded when it is empty).
 */
async function restamped(inputPath: string, bytes: Uint8Array, version: string) {
  const model = await loadModelFile(inputPath);
  const sourceSha256 = createHash('sha256').update(bytes).digest('hex');
  setMetadata(model, {
    'modelops.source_format': 'onnx',
    'modelops.source_sha256': sourceSha256,
    'modelops.converter': `modelops ${version}`,
  });
  const info: ConversionInfo = { from: 'onnx', task: 'onnx', features: featuresOf(model), sourceSha256 };
  return { model, info };
}

/** `--from command`: the user's exporter writes the model; we check it. */
async function exported(inputs: ParsedInputs, deps: VerbDeps, parts: ConvertParts): Promise<Made> {
  const raw = inputs.exporter as string | undefined;
  if (!raw) {
    throw new UsageError('--from command needs --exporter', {
      fix: 'give the exporter command, e.g. --exporter \'["python3", "export.py", "{output}"]\'',
    });
  }
  if (!inputs.output) {
    throw new UsageError('--from command needs --output', {
      fix: 'give the path the exporter writes: --output PATH',
    });
  }
  const outputPath = resolve(deps.cwd, String(inputs.output));
  await mkdir(dirname(outputPath), { recursive: true });
  const exportedModel = await runExporter(parseExporter(raw), outputPath, deps);
  const { seconds, model } = exportedModel;
  let bytes = exportedModel.bytes;
  try {
    checkDeclaredSignature(model, inputs);
  } catch (error) {
    // What the exporter wrote is not the model that was declared: leave no file that looks converted.
    await rm(outputPath, { force: true });
    throw error;
  }
  const opset = await applyOpset(model, inputs, parts);
  if (opset) {
    // The exporter's file is replaced atomically by the upgraded model.
    await saveModelFile(outputPath, model);
    bytes = await readFile(outputPath);
  }
  const info: ConversionInfo = {
    from: 'command',
    task: 'exported',
    features: featuresOf(model),
    sourceSha256: '',
  };
  return {
    input: parseExporter(raw)[0]!,
    outputPath,
    encoded: bytes,
    info: opset ? { ...info, opset } : info,
    seconds,
  };
}

/** `--expect-inputs` / `--expect-outputs`: the model must have the declared names, types and shapes. */
function checkDeclaredSignature(model: ModelProto, inputs: ParsedInputs): void {
  const wantInputs = inputs['expect-inputs'] as string | undefined;
  const wantOutputs = inputs['expect-outputs'] as string | undefined;
  if (!wantInputs && !wantOutputs) return;
  const signature = extractSignature(model);
  const problems = [
    ...checkDeclared('input', wantInputs ? parseDeclared(wantInputs, 'expect-inputs') : [], signature.inputs),
    ...checkDeclared(
      'output',
      wantOutputs ? parseDeclared(wantOutputs, 'expect-outputs') : [],
      signature.outputs,
    ),
  ];
  if (problems.length > 0) {
    throw new UsageError(`the model does not match its declaration: ${problems.join('; ')}`, {
      fix: 'export the inputs and outputs you declared (names, types, shapes), or correct the declaration',
    });
  }
}

/**
 * `--opset N`: moves the model's default-domain opset to N, then proves onnxruntime can load the
 * result before anything is written — an opset whose kernels this onnxruntime lacks is refused
 * with the operator it misses.
 */
async function applyOpset(
  model: ModelProto,
  inputs: ParsedInputs,
  parts: ConvertParts,
): Promise<OpsetUpgrade | undefined> {
  if (inputs.opset === undefined || inputs.opset === '') return undefined;
  const target = Number(inputs.opset);
  const upgrade = upgradeOpset(model, target);
  const problems = checkModel(model);
  if (problems.length > 0) {
    throw new ModelFormatError(`after the upgrade to opset ${target}: ${problems.slice(0, 3).join('; ')}`);
  }
  const createSession = await parts.createSession();
  const session = await createSession(writeModel(model)).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const missing = /Could not find an implementation for (\w+)\((\d+)\)/.exec(message);
    throw new UsageError(
      missing
        ? `onnxruntime has no ${missing[1]} kernel at opset ${missing[2]}, so the model cannot run at opset ${target}`
        : `onnxruntime cannot load the model at opset ${target}: ${message.split(' — ')[0]}`,
      { fix: `choose a lower --opset (the model was at ${upgrade.from})` },
    );
  });
  await session.release();
  return upgrade;
}

function outputFor(inputs: ParsedInputs, inputPath: string): string {
  const given = inputs.output as string | undefined;
  if (given) return given;
  const stem = basename(inputPath, extname(inputPath));
  return resolve(inputPath, '..', `${stem}.onnx`);
}

async function parityFor(
  inputs: ParsedInputs,
  deps: VerbDeps,
  modelPath: string,
  parts: ConvertParts,
): Promise<ParitySummary | undefined> {
  const data = inputs['parity-data'] as string | undefined;
  const reference = inputs.reference as string | undefined;
  if (!data && !reference) return undefined;
  if (!data || !reference) {
    throw new UsageError(`--${data ? 'reference' : 'parity-data'} is missing`, {
      fix: 'give both --parity-data (features) and --reference (expected outputs), or neither',
    });
  }
  const report = await checkParity({
    modelPath,
    features: await readMatrix(resolve(deps.cwd, data), 'parity-data'),
    reference: await readColumns(resolve(deps.cwd, reference), 'reference'),
    tolerances: parseTolerances(String(inputs.tolerance ?? '1e-5')),
    createSession: await parts.createSession(),
  });
  deps.logger.info(
    `parity on ${report.rows} rows (${report.output}): max abs error ${report.max_abs_error.toExponential(2)}, ` +
      `max rel error ${report.max_rel_error.toExponential(2)} — ${report.passed ? 'passed' : 'FAILED'}`,
  );
  return report;
}
