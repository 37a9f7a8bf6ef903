// Peers: every optimization pass over every model of Debian's libonnx-testdata. Each result must
// pass our structural check and load in onnxruntime-node; exact passes (dead-code, graph) must give
// the original's outputs on the packaged inputs (graph within float tolerance), lossy passes
// (fp16, prune) must run and keep output names, types and shapes. Counts go to stdout.
import { fromBinary } from '@bufbuild/protobuf';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { TensorProtoSchema } from 'onnx-buf';
import { describe, expect, it } from 'vitest';
import { checkModel, readModel, writeModel, type ModelProto } from '../../src/core/onnx/index.js';
import {
  deadCodePass,
  extractSubModel,
  fp16Pass,
  graphPass,
  nodeReads,
  prunePass,
  type OptimizationPass,
} from '../../src/core/optimize/index.js';
import { optimizeGraphWithOrt } from '../../src/platform/runtime/optimize-graph.js';
import { createSession, type ModelRuntime } from '../../src/platform/runtime/session.js';
import { flatValues, type RuntimeTensor } from '../../src/platform/runtime/runtime-tensor.js';
import { tensorFromProto } from '../../src/platform/runtime/tensor-from-proto.js';

const DATA = '/usr/share/libonnx-testdata/data';

async function findModels(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await findModels(path)));
    else if (entry.name === 'model.onnx') found.push(path);
  }
  return found.sort();
}

async function feedsFor(
  runtime: ModelRuntime,
  dir: string,
): Promise<Record<string, RuntimeTensor> | undefined> {
  if (!existsSync(dir) || runtime.inputs.some((i) => !i.isTensor)) return undefined;
  const files = (await readdir(dir)).filter((f) => /^input_\d+\.pb$/.test(f));
  files.sort((a, b) => Number(a.slice(6, -3)) - Number(b.slice(6, -3)));
  if (files.length !== runtime.inputNames.length) return undefined;
  const protos = await Promise.all(
    files.map(async (f) => fromBinary(TensorProtoSchema, await readFile(join(dir, f)))),
  );
  const byName = protos.every((p) => runtime.inputNames.includes(p.name));
  const feeds: Record<string, RuntimeTensor> = {};
  try {
    protos.forEach((p, i) => (feeds[byName ? p.name : runtime.inputNames[i]!] = tensorFromProto(p)));
  } catch {
    return undefined;
  }
  return feeds;
}

function close(a: RuntimeTensor, b: RuntimeTensor, exact: boolean): boolean {
  if (a.elementType !== b.elementType || a.dims.join() !== b.dims.join()) return false;
  const x = flatValues(a);
  const y = flatValues(b);
  return x.every((v, i) => {
    const w = y[i];
    if (typeof v !== 'number' || typeof w !== 'number') return v === w;
    if (v === w || (Number.isNaN(v) && Number.isNaN(w))) return true;
    return exact ? Object.is(v, w) || v === w : Math.abs(v - w) <= 1e-4 + 1e-3 * Math.abs(w);
  });
}

const RANDOM = /^(Random|Bernoulli|Multinomial)/;

const PASSES: { label: string; pass: OptimizationPass; options?: Record<string, string>; exact?: boolean }[] =
  [
    { label: 'dead-code', pass: deadCodePass, exact: true },
    { label: 'graph basic', pass: graphPass, options: { level: 'basic' } },
    { label: 'graph extended', pass: graphPass, options: { level: 'extended' } },
    { label: 'fp16', pass: fp16Pass },
    { label: 'prune', pass: prunePass },
  ];

describe.skipIf(!existsSync(DATA))('optimization passes over libonnx-testdata', () => {
  it('keeps every model valid and runnable; exact passes keep the outputs', async () => {
    const started = Date.now();
    const models = await findModels(DATA);
    const counts: Record<string, Record<string, number>> = {};
    const failures: string[] = [];
    let usable = 0;
    const count = (label: string, what: string) => {
      const c = (counts[label] ??= {});
      c[what] = (c[what] ?? 0) + 1;
    };
    for (const path of models) {
      const name = relative(DATA, dirname(path));
      let model: ModelProto;
      let original: ModelRuntime;
      try {
        model = readModel(new Uint8Array(await readFile(path)));
        original = await createSession(writeModel(model), { source: name });
      } catch {
        continue; // onnxruntime cannot load the original: nothing to compare with
      }
      try {
        const feeds = await feedsFor(original, join(dirname(path), 'test_data_set_0'));
        const expected = feeds && (await original.run(feeds).catch(() => undefined));
        const again = feeds && expected && (await original.run(feeds).catch(() => undefined));
        const deterministic =
          expected && again && Object.keys(expected).every((k) => close(expected[k]!, again[k]!, true));
        if (!expected || !deterministic || Object.keys(expected).length === 0) continue;
        // Random operators draw anew in every session: their outputs are not comparable.
        if (model.graph!.node.some((n) => RANDOM.test(n.opType))) continue;
        usable++;
        for (const { label, pass, options, exact } of PASSES) {
          let result;
          try {
            result = await pass.apply(model, { optimizeGraph: optimizeGraphWithOrt, options: options ?? {} });
          } catch (error) {
            count(label, 'threw');
            failures.push(`${label} ${name}: threw ${(error as Error).message.split('\n')[0]}`);
            continue;
          }
          if (result.kind === 'skipped') {
            count(label, 'skipped');
            continue;
          }
          const problems = checkModel(result.model);
          if (problems.length > 0) {
            failures.push(`${label} ${name}: ${problems[0]}`);
            continue;
          }
          let runtime: ModelRuntime;
          try {
            runtime = await createSession(writeModel(result.model), { source: `${label} ${name}` });
          } catch (error) {
            failures.push(
              `${label} ${name}: onnxruntime cannot load it: ${(error as Error).message.slice(0, 160)}`,
            );
            continue;
          }
          try {
            const got = await runtime.run(feeds!);
            const same = Object.keys(expected).every(
              (k) => got[k] && close(got[k]!, expected[k]!, exact === true),
            );
            const shapes = Object.keys(expected).every(
              (k) =>
                got[k]?.elementType === expected[k]!.elementType &&
                got[k]!.dims.join() === expected[k]!.dims.join(),
            );
            if (pass.exactTolerance !== undefined && !same)
              failures.push(`${label} ${name}: outputs changed`);
            else if (!shapes) failures.push(`${label} ${name}: output types or shapes changed`);
            else count(label, same ? 'same outputs' : 'ran (outputs moved)');
          } catch (error) {
            failures.push(`${label} ${name}: run failed: ${(error as Error).message.slice(0, 160)}`);
          } finally {
            await runtime.release();
          }
        }
        await checkSplit(model, feeds!, expected, name, count, failures);
      } finally {
        await original.release();
      }
    }
    const summary = {
      models: models.length,
      usable,
      counts,
      failures: failures.length,
      seconds: (Date.now() - started) / 1000,
    };
    process.stdout.write(`optimize passes over libonnx-testdata: ${JSON.stringify(summary, null, 2)}\n`);
    expect(usable).toBeGreaterThan(500);
    expect(failures).toEqual([]);
  });
});

/**
 * Cuts the model after its middle node into a head (graph inputs → the values the tail needs) and
 * a tail (those values → the remaining graph outputs); running head then tail must give the whole
 * model's outputs exactly.
 */
async function checkSplit(
  model: ModelProto,
  feeds: Record<string, RuntimeTensor>,
  expected: Record<string, RuntimeTensor>,
  name: string,
  count: (label: string, what: string) => void,
  failures: string[],
): Promise<void> {
  const graph = model.graph!;
  if (graph.node.length < 2) return count('split', 'skipped: one node');
  const k = Math.floor(graph.node.length / 2);
  const headNodes = graph.node.slice(0, k);
  const made = new Set(headNodes.flatMap((n) => n.output).filter((o) => o !== ''));
  const inputs = graph.input.map((i) => i.name).filter((n) => n in feeds);
  const tailReads = new Set(graph.node.slice(k).flatMap((n) => nodeReads(n)));
  const frontier = [...made].filter((v) => tailReads.has(v));
  const tailOutputs = graph.output.map((o) => o.name).filter((o) => !made.has(o) && o in expected);
  const headOutputs = [
    ...frontier,
    ...graph.output.map((o) => o.name).filter((o) => made.has(o) && o in expected),
  ];
  if (headOutputs.length === 0 || tailOutputs.length === 0) return count('split', 'skipped: no cut');
  let head: ModelProto;
  let tail: ModelProto;
  try {
    head = extractSubModel(model, inputs, [...new Set(headOutputs)]);
    tail = extractSubModel(model, [...inputs, ...frontier], tailOutputs);
  } catch (error) {
    return count('split', `refused: ${(error as Error).message.replace(/'[^']*'/g, '…').slice(0, 60)}`);
  }
  for (const part of [head, tail]) {
    const problems = checkModel(part);
    if (problems.length > 0) return void failures.push(`split ${name}: ${problems[0]}`);
  }
  try {
    const headOut = await runOnce(
      head,
      Object.fromEntries(Object.entries(feeds).filter(([n]) => head.graph!.input.some((i) => i.name === n))),
    );
    const tailFeeds = { ...feeds, ...headOut };
    const tailOut = await runOnce(
      tail,
      Object.fromEntries(
        Object.entries(tailFeeds).filter(([n]) => tail.graph!.input.some((i) => i.name === n)),
      ),
    );
    const got = { ...headOut, ...tailOut };
    const same = Object.keys(expected).every((k) => got[k] && close(got[k]!, expected[k]!, true));
    if (same) count('split', 'parts give the same outputs');
    else failures.push(`split ${name}: outputs differ`);
  } catch (error) {
    // A cut value onnxruntime-node cannot feed back (sequence, optional) is a limit of the test.
    if (/sequence|optional|not fed|cannot be passed/i.test((error as Error).message))
      count('split', 'skipped: non-tensor cut');
    else failures.push(`split ${name}: ${(error as Error).message.slice(0, 160)}`);
  }
}

async function runOnce(
  model: ModelProto,
  feeds: Record<string, RuntimeTensor>,
): Promise<Record<string, RuntimeTensor>> {
  const session = await createSession(writeModel(model), { source: 'split part' });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}
