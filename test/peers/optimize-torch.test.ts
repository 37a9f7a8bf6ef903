// Peers for graph, fp16, prune and dead-code, and the whole candidate search: the torch 1.13
// exports of optimize_models.py (an MLP, a small CNN, a small transformer encoder). Every result
// passes our checker and onnx.checker (full_check), loads and runs in onnxruntime-node; graph stays
// within 1e-4 of torch, fp16 within a stated tolerance; `modelops optimize` on each export writes a
// valid model without touching the original.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModel, readModel, writeModel } from '../../src/core/onnx/index.js';
import { deadCodePass, fp16Pass, graphPass, prunePass } from '../../src/core/optimize/index.js';
import { optimizeGraphWithOrt } from '../../src/platform/runtime/optimize-graph.js';
import { runCli } from '../support/cli-runner.js';
import { readNpy, relativeError, runFirstOutput } from './run-helpers.js';

const PYTHON = '/usr/bin/python3';
const here = dirname(fileURLToPath(import.meta.url));

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'modelops-optimize-torch-'));
  execFileSync(PYTHON, [join(here, 'optimize_models.py'), join(work, 'torch'), '32'], { stdio: 'ignore' });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

// fp16 error relative to the largest torch output (10 bits of mantissa, sums of 128–512 terms).
const FP16_TOLERANCE: Record<string, number> = { mlp: 0.01, cnn: 0.01, transformer: 0.02 };

describe('graph, fp16, prune and dead-code on torch 1.13 exports', () => {
  const measured: Record<string, unknown> = {};
  afterAll(() => console.log(JSON.stringify(measured)));

  for (const name of ['mlp', 'cnn', 'transformer']) {
    it(`${name}: every pass gives a valid model; graph matches torch, fp16 within tolerance`, async () => {
      const dir = join(work, 'torch');
      const bytes = new Uint8Array(await readFile(join(dir, `${name}.onnx`)));
      const model = readModel(bytes);
      const x = readNpy(new Uint8Array(await readFile(join(dir, `${name}.x.npy`))));
      const y = readNpy(new Uint8Array(await readFile(join(dir, `${name}.y.npy`))));
      const feed = { input: { elementType: 'float', dims: x.dims, data: x.data } };
      const torchOut = { elementType: 'float', dims: y.dims, data: y.data };
      const checked = join(work, `checked-${name}`);
      await mkdir(checked, { recursive: true });
      const files: Record<string, string> = {};
      for (const [label, pass, options] of [
        ['graph-basic', graphPass, { level: 'basic' }],
        ['graph-extended', graphPass, { level: 'extended' }],
        ['fp16', fp16Pass, {}],
        ['prune', prunePass, { sparsity: 0.3 }],
        ['dead-code', deadCodePass, {}],
      ] as const) {
        const result = await pass.apply(model, { optimizeGraph: optimizeGraphWithOrt, options });
        if (result.kind === 'skipped') {
          measured[`${name} ${label}`] = `skipped: ${result.reason}`;
          continue;
        }
        expect(checkModel(result.model)).toEqual([]);
        const out = writeModel(result.model);
        // The extended level may add onnxruntime contrib operators, which onnx.checker does not know.
        if (label !== 'graph-extended') {
          await writeFile(join(checked, `${label}.onnx`), out);
          files[`${label}.onnx`] = 'ok';
        }
        const error = relativeError(await runFirstOutput(result.model, feed), torchOut);
        measured[`${name} ${label}`] = {
          sizeRatio: +(out.length / bytes.length).toFixed(3),
          relativeError: +error.toExponential(2),
        };
        if (label.startsWith('graph') || label === 'dead-code') expect(error).toBeLessThan(1e-4);
        if (label === 'fp16') {
          expect(error).toBeLessThan(FP16_TOLERANCE[name]!);
          expect(out.length / bytes.length).toBeLessThan(0.6);
        }
      }
      expect(writeModel(model)).toEqual(bytes);
      const report = JSON.parse(
        execFileSync(PYTHON, [join(here, 'onnx_peer.py'), 'check', checked], { encoding: 'utf8' }),
      ) as Record<string, string>;
      expect(report).toEqual(files);
    });

    it(`${name}: modelops optimize searches every default pass and writes a valid model`, async () => {
      const dir = join(work, 'torch');
      const original = await readFile(join(dir, `${name}.onnx`));
      const result = await runCli(
        [
          'optimize',
          '--model',
          `${name}.onnx`,
          '--output',
          `${name}.small.onnx`,
          '--objective',
          'size',
          '--latency-runs',
          '5',
          '--json',
        ],
        { cwd: dir },
      );
      expect(result.exitCode, result.stderr).toBe(0);
      const json = result.json as {
        chosen: string;
        candidates: { name: string; status: string; reason?: string }[];
      };
      measured[`${name} search`] = json.candidates.map((c) => `${c.name}:${c.status}`).join(' ');
      expect(json.candidates.filter((c) => c.status === 'invalid')).toEqual([]);
      const written = readModel(await readFile(join(dir, `${name}.small.onnx`)));
      expect(checkModel(written)).toEqual([]);
      // int8 quarters MatMul/Gemm and (as ConvInteger) the CNN's Conv weights: smaller than fp16.
      expect(json.chosen).toMatch(/int8/);
      expect(writeModel(written).length).toBeLessThan(original.length * 0.6);
      expect((await readFile(join(dir, `${name}.onnx`))).equals(original)).toBe(true);
    });
  }
});
