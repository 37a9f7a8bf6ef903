// Peers: every model of Debian's libonnx-testdata through our reader and writer, and through
// onnxruntime-node before and after the round trip with the packaged test inputs. Counts go to
// stdout and bench/results/onnx-testdata.json. Fails if any model does not round-trip, or any
// model onnxruntime can run gives different outputs after the round trip.
import { describe, it, expect } from 'vitest';
import { equals, fromBinary } from '@bufbuild/protobuf';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelProtoSchema, TensorProtoSchema } from 'onnx-buf';
import { readModel, writeModel } from '../../src/core/onnx/model-codec.js';
import { createSession, type ModelRuntime } from '../../src/platform/runtime/session.js';
import { flatValues, type RuntimeTensor } from '../../src/platform/runtime/runtime-tensor.js';
import { tensorFromProto } from '../../src/platform/runtime/tensor-from-proto.js';

const DATA = '/usr/share/libonnx-testdata/data';
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS = join(root, 'bench/results/onnx-testdata.json');

interface Counts {
  total: number;
  roundTripped: number;
  byteIdentical: number;
  structurallyEqualOnly: number;
  ortRunnable: number;
  dataSetsRun: number;
  outputsEqual: number;
  matchesExpected: number;
  nondeterministic: number;
  skipped: Record<string, number>;
  /** Up to five model names per skip reason, to find them again. */
  skippedExamples: Record<string, string[]>;
  /** Data sets whose outputs (identical before and after) are not close to the packaged expected ones. */
  notMatchingExpected: string[];
  failures: string[];
  byDirectory: Record<string, number>;
  seconds: number;
}

async function findModels(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await findModels(path)));
    else if (entry.name === 'model.onnx') found.push(path);
  }
  return found.sort();
}

/** Groups onnxruntime messages so the skip table has a few rows, not one per model. */
function reason(prefix: string, error: unknown): string {
  // Drop our fix suffix (it mentions 'opset' for every load failure) and the path prefix.
  const message = (error instanceof Error ? error.message : String(error))
    .split(' — ')[0]!
    .replace(/^onnxruntime (cannot load|failed to run) [^:]*: /, '');
  const op =
    /No Op registered for (\w+)/.exec(message) ?? /Could not find an implementation for (\w+)/.exec(message);
  if (op) return `${prefix}: no kernel for ${op[1]}`;
  const unregistered = /([\w.]+:\w+)\(-?\d+\) is not a registered function\/op/.exec(message);
  if (unregistered) return `${prefix}: unregistered operator ${unregistered[1]}`;
  if (/Batchwise recurrent operations/.test(message))
    return `${prefix}: batchwise (layout=1) RNN/GRU/LSTM not supported`;
  if (/Failed to construct locale/.test(message))
    return `${prefix}: StringNormalizer needs the en_US.UTF-8 locale (not installed here)`;
  if (/Unsupported model IR version/.test(message)) return `${prefix}: unsupported IR version`;
  if (/opset|domain_version/i.test(message)) return `${prefix}: opset not supported`;
  return `${prefix}: ${message.replace(/'[^']*'|"[^"]*"|\d+/g, '…').slice(0, 100)}`;
}

function sameTensor(a: RuntimeTensor | undefined, b: RuntimeTensor | undefined): boolean {
  if (!a || !b || a.elementType !== b.elementType || a.dims.join() !== b.dims.join()) return false;
  if (Array.isArray(a.data) || Array.isArray(b.data))
    return JSON.stringify(a.data) === JSON.stringify(b.data);
  // Bytes, not values: NaN payloads and -0 must survive too.
  return Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).equals(
    Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength),
  );
}

function sameOutputs(a: Record<string, RuntimeTensor>, b: Record<string, RuntimeTensor>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => sameTensor(a[k], b[k]));
}

/** Loose comparison with the packaged expected outputs: evidence our input decoding is right. */
function closeTo(actual: RuntimeTensor, expected: RuntimeTensor): boolean {
  if (actual.dims.join() !== expected.dims.join()) return false;
  const x = flatValues(actual);
  const y = flatValues(expected);
  return (
    x.length === y.length &&
    x.every((v, i) => {
      const w = y[i];
      if (typeof v !== 'number' || typeof w !== 'number') return v === w;
      return (Number.isNaN(v) && Number.isNaN(w)) || v === w || Math.abs(v - w) <= 1e-4 + 1e-3 * Math.abs(w);
    })
  );
}

async function readTensors(dir: string, prefix: string) {
  const files = (await readdir(dir)).filter((f) => f.startsWith(prefix) && f.endsWith('.pb'));
  files.sort((a, b) => Number(a.slice(prefix.length, -3)) - Number(b.slice(prefix.length, -3)));
  return Promise.all(files.map(async (f) => fromBinary(TensorProtoSchema, await readFile(join(dir, f)))));
}

/** Runs one data set through both sessions; returns a skip reason, or the comparison. */
async function runDataSet(
  original: ModelRuntime,
  roundTripped: ModelRuntime,
  dir: string,
  counts: Counts,
  name: string,
) {
  if (original.inputs.some((i) => !i.isTensor))
    return 'input: sequence/map/optional (onnxruntime-node feeds tensors only)';
  const protos = await readTensors(dir, 'input_');
  if (protos.length > original.inputNames.length) return 'input: more test inputs than model inputs';
  const byName = protos.every((p) => original.inputNames.includes(p.name));
  const feeds: Record<string, RuntimeTensor> = {};
  for (const [index, proto] of protos.entries()) {
    let tensor: RuntimeTensor;
    try {
      tensor = tensorFromProto(proto);
    } catch (error) {
      return reason('input', error);
    }
    if (
      ['bfloat16', 'uint4', 'int4'].includes(tensor.elementType) ||
      tensor.elementType.startsWith('float8')
    ) {
      return `input: element type ${tensor.elementType} not representable`;
    }
    feeds[byName ? proto.name : original.inputNames[index]!] = tensor;
  }
  let expected: Record<string, RuntimeTensor>;
  try {
    expected = await original.run(feeds);
  } catch (error) {
    return reason('run', error);
  }
  if (Object.keys(expected).length === 0) return 'run: no tensor outputs';
  const actual = await roundTripped.run(feeds).catch((error: unknown) => error as Error);
  counts.dataSetsRun++;
  if (actual instanceof Error)
    return { equal: false, detail: `round-tripped model failed to run: ${actual.message}` };
  if (sameOutputs(expected, actual)) {
    const wanted = await readTensors(dir, 'output_');
    const outs = original.outputNames.filter((n) => n in expected);
    const close = (w: (typeof wanted)[number], i: number): boolean => {
      try {
        return closeTo(expected[outs[i]!]!, tensorFromProto(w));
      } catch {
        return false;
      }
    };
    if (wanted.length === outs.length && wanted.every(close)) counts.matchesExpected++;
    else counts.notMatchingExpected.push(relative(DATA, dir));
    return { equal: true };
  }
  // Random operators (RandomNormal, Bernoulli, Dropout in training mode) differ from run to run.
  const again = await original.run(feeds);
  if (!sameOutputs(expected, again)) return 'run: nondeterministic outputs (original differs from itself)';
  return { equal: false, detail: `${name}: outputs differ after round trip` };
}

describe.skipIf(!existsSync(DATA))(
  'libonnx-testdata through our ONNX reader/writer and onnxruntime-node',
  () => {
    it("round-trips every model and keeps every runnable model's outputs identical", async () => {
      const started = Date.now();
      const models = await findModels(DATA);
      const counts: Counts = {
        total: models.length,
        roundTripped: 0,
        byteIdentical: 0,
        structurallyEqualOnly: 0,
        ortRunnable: 0,
        dataSetsRun: 0,
        outputsEqual: 0,
        matchesExpected: 0,
        nondeterministic: 0,
        skipped: {},
        skippedExamples: {},
        notMatchingExpected: [],
        failures: [],
        byDirectory: {},
        seconds: 0,
      };
      const skip = (why: string, name: string): void => {
        counts.skipped[why] = (counts.skipped[why] ?? 0) + 1;
        const examples = (counts.skippedExamples[why] ??= []);
        if (examples.length < 5) examples.push(name);
      };
      for (const path of models) {
        const name = relative(DATA, dirname(path));
        const group = name.split('/')[0]!;
        counts.byDirectory[group] = (counts.byDirectory[group] ?? 0) + 1;
        const bytes = new Uint8Array(await readFile(path));
        let out: Uint8Array;
        try {
          const model = readModel(bytes, name);
          out = writeModel(model);
          if (Buffer.from(out).equals(Buffer.from(bytes))) counts.byteIdentical++;
          else if (equals(ModelProtoSchema, readModel(out, name), model)) counts.structurallyEqualOnly++;
          else throw new Error('decode(encode(model)) differs from model');
          counts.roundTripped++;
        } catch (error) {
          counts.failures.push(`${name}: round trip: ${(error as Error).message}`);
          continue;
        }

        let original: ModelRuntime;
        try {
          original = await createSession(bytes, { source: name, threads: 1 });
        } catch (error) {
          skip(reason('load', error), name);
          continue;
        }
        counts.ortRunnable++;
        const roundTripped = await createSession(out, {
          source: `${name} (round-tripped)`,
          threads: 1,
        }).catch((error: unknown) => error as Error);
        if (roundTripped instanceof Error) {
          counts.failures.push(`${name}: round-tripped model does not load: ${roundTripped.message}`);
          await original.release();
          continue;
        }
        const dataSets = (await readdir(dirname(path))).filter((d) => d.startsWith('test_data_set_')).sort();
        let equalSets = 0;
        let differs = false;
        for (const set of dataSets) {
          const result = await runDataSet(original, roundTripped, join(dirname(path), set), counts, name);
          if (typeof result === 'string') {
            if (result.includes('nondeterministic')) counts.nondeterministic++;
            skip(result, `${name}/${set}`);
          } else if (result.equal) equalSets++;
          else {
            differs = true;
            counts.failures.push(`${name}/${set}: ${result.detail}`);
          }
        }
        if (equalSets > 0 && !differs) counts.outputsEqual++;
        await Promise.all([original.release(), roundTripped.release()]);
      }
      counts.seconds = Math.round((Date.now() - started) / 100) / 10;

      await mkdir(dirname(RESULTS), { recursive: true });
      await writeFile(RESULTS, JSON.stringify({ data: DATA, ...counts }, null, 2) + '\n');
      const {
        skipped,
        skippedExamples: _examples,
        notMatchingExpected: _notMatching,
        failures,
        ...summary
      } = counts;
      console.log('libonnx-testdata:', JSON.stringify(summary));
      console.log('skipped (data sets or models), by reason:');
      for (const [why, n] of Object.entries(skipped).sort((a, b) => b[1] - a[1]))
        console.log(`  ${String(n).padStart(4)}  ${why}`);
      if (failures.length > 0) console.log('failures:\n  ' + failures.join('\n  '));

      expect(counts.total).toBeGreaterThan(1000);
      expect(failures).toEqual([]);
      expect(counts.roundTripped).toBe(counts.total);
    });
  },
);
