import { basename, dirname, extname, join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import {
  extractSignature,
  saveModelFile,
  setMetadata,
  writeModel,
  type ModelProto,
} from '../../core/onnx/index.js';
import { extractSubModel } from '../../core/optimize/index.js';
import type { CreateSession, RuntimeTensor } from '../../platform/runtime/index.js';

/** What `optimize --split-at` wrote and proved. */
export interface SplitReport {
  cut: string[];
  parts: Array<{ path: string; inputs: string[]; outputs: string[]; nodes: number; size: number }>;
  /** Largest |whole model − parts chained| over every output on the check input. */
  max_abs_error: number;
  check_rows: number;
}

/**
 * Splits a model at named tensors into two models that run in turn — the head computes the cut
 * tensors from the model's inputs, the tail the model's outputs from the cut tensors (and any
 * model input it still reads, such as a skip connection) — so a large model can run in parts on
 * different devices. Both parts are written beside `outputPath` (NAME.part1.onnx, NAME.part2.onnx)
 * only after the chained parts reproduce the whole model's outputs on a check input.
 */
export async function splitModel(params: {
  model: ModelProto;
  cut: string[];
  outputPath: string;
  createSession: CreateSession;
  shown: (path: string) => string;
}): Promise<SplitReport> {
  const { model, cut } = params;
  const graph = model.graph!;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const modelInputs = graph.input.map((v) => v.name).filter((n) => !initializers.has(n));
  const modelOutputs = graph.output.map((v) => v.name);
  const clash = cut.find((name) => modelInputs.includes(name) || modelOutputs.includes(name));
  if (clash) {
    throw new UsageError(
      `--split-at ${clash} is a model ${modelInputs.includes(clash) ? 'input' : 'output'}`,
      {
        fix: 'name tensors inside the graph (node outputs) where the model should be cut',
      },
    );
  }
  const head = extractSubModel(model, modelInputs, cut);
  const tail = extractSubModel(model, [...cut, ...modelInputs], modelOutputs);
  // The tail keeps only the model inputs it actually reads.
  const read = new Set(tail.graph!.node.flatMap((n) => n.input));
  tail.graph!.input = tail.graph!.input.filter((v) => cut.includes(v.name) || read.has(v.name));

  const feeds = checkFeeds(model);
  const whole = await runOnce(params.createSession, writeModel(model), feeds);
  const cutValues = await runOnce(params.createSession, writeModel(head), feeds);
  const tailFeeds: Record<string, RuntimeTensor> = {};
  for (const input of tail.graph!.input) tailFeeds[input.name] = cutValues[input.name] ?? feeds[input.name]!;
  const chained = await runOnce(params.createSession, writeModel(tail), tailFeeds);
  let maxAbs = 0;
  for (const name of modelOutputs) {
    const a = whole[name]!.data as ArrayLike<number | bigint>;
    const b = chained[name]!.data as ArrayLike<number | bigint>;
    if (a.length !== b.length) maxAbs = Infinity;
    for (let i = 0; i < a.length; i++) maxAbs = Math.max(maxAbs, Math.abs(Number(a[i]) - Number(b[i])));
  }
  if (!(maxAbs <= 1e-6)) {
    throw new UsageError(
      `the parts chained differ from the whole model by ${maxAbs} at --split-at ${cut.join(',')}`,
      { fix: 'cut at tensors every later node reads only through them' },
    );
  }
  const stem = join(dirname(params.outputPath), basename(params.outputPath, extname(params.outputPath)));
  const parts: SplitReport['parts'] = [];
  for (const [index, part] of [head, tail].entries()) {
    setMetadata(part, { 'modelops.split': `part ${index + 1} of 2 at ${cut.join(',')}` });
    const path = `${stem}.part${index + 1}.onnx`;
    await saveModelFile(path, part);
    const signature = extractSignature(part);
    parts.push({
      path: params.shown(path),
      inputs: signature.inputs.map((v) => v.name),
      outputs: signature.outputs.map((v) => v.name),
      nodes: part.graph!.node.length,
      size: writeModel(part).length,
    });
  }
  return { cut, parts, max_abs_error: maxAbs, check_rows: 2 };
}

/** Two rows of deterministic values per model input, unknown dims taken as 2. */
function checkFeeds(model: ModelProto): Record<string, RuntimeTensor> {
  const feeds: Record<string, RuntimeTensor> = {};
  for (const input of extractSignature(model).inputs) {
    const dims = (input.shape ?? [2]).map((d) => (typeof d === 'number' && d > 0 ? d : 2));
    const count = dims.reduce((n, d) => n * d, 1);
    const wave = (i: number) => Math.sin(i * 0.37) * 2;
    let data: RuntimeTensor['data'];
    if (input.elementType === 'float') data = Float32Array.from({ length: count }, (_, i) => wave(i));
    else if (input.elementType === 'double') data = Float64Array.from({ length: count }, (_, i) => wave(i));
    else if (input.elementType === 'int64')
      data = BigInt64Array.from({ length: count }, (_, i) => BigInt(i % 3));
    else if (input.elementType === 'int32') data = Int32Array.from({ length: count }, (_, i) => i % 3);
    else {
      throw new UsageError(
        `--split-at: input '${input.name}' is ${input.elementType}, which the check cannot feed`,
        {
          fix: 'split models whose inputs are float, double, int32 or int64',
        },
      );
    }
    feeds[input.name] = { elementType: input.elementType, dims, data } as RuntimeTensor;
  }
  return feeds;
}

async function runOnce(
  createSession: CreateSession,
  bytes: Uint8Array,
  feeds: Record<string, RuntimeTensor>,
): Promise<Record<string, RuntimeTensor>> {
  const session = await createSession(bytes, { source: 'split part' });
  try {
    const wanted = Object.fromEntries(session.inputNames.map((n) => [n, feeds[n]!]));
    return await session.run(wanted);
  } finally {
    await session.release();
  }
}
