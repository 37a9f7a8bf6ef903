import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModel, writeModel } from '../../../src/core/onnx/index.js';
import { runCli } from '../../support/cli-runner.js';
import { makeCnn, makeMlp, randoms } from '../../core/optimize/make-models.js';

interface Row {
  name: string;
  status: string;
  reason?: string;
  size?: number;
  latency_p50?: number;
  latency_p95?: number;
  metrics?: Record<string, number>;
  pareto: boolean;
  chosen: boolean;
}

/** Rows labelled by the model itself, so the original scores accuracy 1 and lossy passes may not. */
function labelledCsv(rows: number, labelOf: (x: Float32Array) => number): string {
  const x = randoms(rows * 8, 5);
  const lines = ['a,b,c,d,e,f,g,h,label'];
  for (let r = 0; r < rows; r++) {
    const row = x.slice(r * 8, r * 8 + 8);
    lines.push([...Array.from(row, (v) => v.toFixed(4)), labelOf(row)].join(','));
  }
  return lines.join('\n') + '\n';
}

/** Flags by name without the dashes: `true` passes a switch, `false` leaves the flag out. */
type Flags = Record<string, string | boolean>;

/** `modelops optimize` on mlp.onnx with 3 latency runs and --json, unless `flags` says otherwise. */
function optimizeArgs(flags: Flags): string[] {
  const all: Flags = {
    model: 'mlp.onnx',
    ...flags,
    'latency-runs': flags['latency-runs'] ?? '3',
    json: flags.json ?? true,
  };
  return [
    'optimize',
    ...Object.entries(all).flatMap(([name, value]) =>
      value === false ? [] : value === true ? [`--${name}`] : [`--${name}`, value],
    ),
  ];
}

describe('modelops optimize (CLI)', () => {
  let dir: string;
  const optimize = (flags: Flags) => runCli(optimizeArgs(flags), { cwd: dir });
  const original = writeModel(makeMlp({ hidden: 128 }));
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelops-optimize-'));
    writeFileSync(join(dir, 'mlp.onnx'), original);
    // The label is the argmax of the first three features: learnable, not the model's own output.
    writeFileSync(
      join(dir, 'val.csv'),
      labelledCsv(200, (x) => [x[0]!, x[1]!, x[2]!].indexOf(Math.max(x[0]!, x[1]!, x[2]!))),
    );
    writeFileSync(join(dir, 'narrow.csv'), 'a,b,c,label\n1,2,3,0\n4,5,6,1\n');
  });

  it('measures every candidate against the original, picks the smallest and writes it', async () => {
    const run = await optimize({
      output: 'out/small.onnx',
      passes: 'graph,int8,fp16,prune:sparsity=0.3,dead-code',
      data: 'val.csv',
      'label-column': 'label',
      objective: 'size',
      'latency-runs': '5',
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const result = run.json as { candidates: Row[]; chosen: string; output: string; quality_metric: string };
    const rows = result.candidates;
    expect(rows[0]).toMatchObject({ name: 'original', status: 'original', size: original.length });
    // dead-code alone finds nothing: skipped; in combinations it leaves the model as it is.
    expect(rows.find((r) => r.name === 'dead-code')).toMatchObject({
      status: 'skipped',
      reason: 'dead-code: no dead nodes or unused initializers',
    });
    expect(rows.find((r) => r.name === 'int8+dead-code')).toMatchObject({ status: 'ok' });
    const names = rows.map((r) => r.name);
    expect(names).toHaveLength(13); // original + prune × {–, int8, fp16} × graph, minus the empty one, + dead-code alone
    expect(names).toEqual(
      expect.arrayContaining(['dead-code+graph', 'int8+dead-code', 'prune+fp16+dead-code+graph']),
    );
    expect(names).not.toContain('int8+fp16');
    for (const row of rows.filter((r) => r.status === 'ok' || r.status === 'original')) {
      expect(row.latency_p50).toBeGreaterThan(0);
      expect(row.latency_p95).toBeGreaterThanOrEqual(row.latency_p50!);
      expect(row.metrics?.accuracy).toBeGreaterThanOrEqual(0);
    }
    const chosen = rows.find((r) => r.chosen)!;
    expect(chosen.name).toBe(result.chosen);
    const measured = rows.filter((r) => r.status === 'ok');
    expect(chosen.size).toBe(Math.min(...measured.map((r) => r.size!)));
    expect(chosen.size!).toBeLessThan(original.length * 0.6);
    expect(result.quality_metric).toBe('accuracy');
    expect(rows.some((r) => r.pareto)).toBe(true);
    const written = readFileSync(join(dir, 'out/small.onnx'));
    expect(written.length).toBeLessThanOrEqual(chosen.size! + 200); // + metadata stamp
    const model = readModel(written);
    expect(model.metadataProps.find((p) => p.key === 'modelops.optimize')?.value).toBe(chosen.name);
    expect(readFileSync(join(dir, 'mlp.onnx')).equals(Buffer.from(original))).toBe(true);
  }, 120_000);

  it('calibrates int8-static on the data rows through onnxruntime', async () => {
    const run = await optimize({
      output: 'static.onnx',
      passes: 'int8-static',
      data: 'val.csv',
      'calibration-rows': '64',
      objective: 'size',
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const rows = (run.json as { candidates: (Row & { max_abs_diff: number })[] }).candidates;
    expect(rows[1]).toMatchObject({ name: 'int8-static', status: 'ok', chosen: true });
    expect(rows[1]!.size!).toBeLessThan(original.length * 0.6);
    expect(rows[1]!.max_abs_diff).toBeGreaterThan(0);
    expect(rows[1]!.max_abs_diff).toBeLessThan(0.05);
  }, 60_000);

  it('passes int8 options through --passes: form=nbits writes MatMulNBits close to the original', async () => {
    const run = await optimize({
      output: 'nbits.onnx',
      passes: 'int8:form=nbits:block-size=32',
      data: 'val.csv',
      objective: 'size',
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const rows = (run.json as { candidates: (Row & { max_abs_diff: number; notes: string[] })[] }).candidates;
    expect(rows[1]).toMatchObject({ name: 'int8', status: 'ok', chosen: true });
    // The hidden layer's K = 8 gets MatMulNBits' smallest block (16), the output layer's K = 128 blocks of 32.
    expect(rows[1]!.notes.join(' ')).toMatch(/run as MatMulNBits .* blocks of 32\/16 along K/);
    // K = 8 padded to 16 plus a scale per 8 values: this tiny model only shrinks to ~0.66×.
    expect(rows[1]!.size!).toBeLessThan(original.length * 0.7);
    expect(rows[1]!.max_abs_diff).toBeGreaterThan(0);
    expect(rows[1]!.max_abs_diff).toBeLessThan(0.05);
    const model = readModel(readFileSync(join(dir, 'nbits.onnx')));
    const nbits = model.graph!.node.filter((n) => n.opType === 'MatMulNBits');
    expect(nbits.length).toBeGreaterThan(0);
    expect(nbits.every((n) => n.domain === 'com.microsoft')).toBe(true);
  }, 60_000);

  it('measures an ensemble of the model and others with its signature like any candidate', async () => {
    writeFileSync(join(dir, 'mlp2.onnx'), writeModel(makeMlp({ hidden: 128, seed: 77 })));
    writeFileSync(join(dir, 'mlp3.onnx'), writeModel(makeMlp({ hidden: 128, seed: 99 })));
    const run = await optimize({
      output: 'ens.onnx',
      passes: 'graph',
      ensemble: 'mlp2.onnx,mlp3.onnx',
      data: 'val.csv',
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const rows = (run.json as { candidates: (Row & { notes: string[] })[] }).candidates;
    const ensemble = rows.find((r) => r.name === 'ensemble(3)')!;
    expect(ensemble).toMatchObject({
      status: 'ok',
      notes: ['ensemble: 3 models; averages probabilities; votes on label'],
    });
    expect(ensemble.size!).toBeGreaterThan(original.length * 2.9);
    expect(ensemble.metrics?.accuracy).toBeGreaterThan(0);
    writeFileSync(join(dir, 'cnn.onnx'), writeModel(makeCnn()));
    const mismatch = await optimize({
      output: 'ens.onnx',
      passes: 'graph',
      ensemble: 'cnn.onnx',
      'latency-runs': false,
      json: false,
    });
    expect(mismatch.exitCode).toBe(2);
    expect(mismatch.stderr).toMatch(/ensemble member 1 has another signature than member 0/);
  }, 60_000);

  it("int8 runs a CNN's Conv as ConvInteger; int8:conv=false leaves it in float and says so", async () => {
    writeFileSync(join(dir, 'cnn.onnx'), writeModel(makeCnn()));
    const notesOf = async (passes: string): Promise<string[]> => {
      const run = await optimize({ model: 'cnn.onnx', output: 'cnn.int8.onnx', passes });
      expect(run.exitCode, run.stderr).toBe(0);
      const rows = (run.json as { candidates: (Row & { notes: string[]; max_abs_diff: number })[] })
        .candidates;
      expect(rows[1]).toMatchObject({ name: 'int8', status: 'ok' });
      expect(rows[1]!.max_abs_diff).toBeLessThan(0.05);
      return rows[1]!.notes;
    };
    expect(await notesOf('int8')).toEqual([
      'int8: 1 Gemm run as DynamicQuantizeLinear + MatMulInteger; 1 weight int8 per column: 512 B → 128 B plus scales',
      'int8: 1 Conv run as DynamicQuantizeLinear + ConvInteger; 1 weight int8 per output channel: 144 B → 36 B plus scales',
    ]);
    expect(await notesOf('int8:conv=false')).toEqual([
      'int8: 1 Gemm run as DynamicQuantizeLinear + MatMulInteger; 1 weight int8 per column: 512 B → 128 B plus scales',
      'int8: 1 Conv left in float: 1 option conv=false',
    ]);
  }, 60_000);

  it('prints the table with Pareto marks in text mode', async () => {
    const run = await optimize({
      output: 'fast.onnx',
      passes: 'graph,fp16',
      'latency-runs': '5',
      // Size, not latency: on a model this small the latency order is the machine's noise.
      objective: 'size',
      json: false,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^mlp\.onnx: chose fp16: /);
    expect(run.stdout).toMatch(/^fp16\s+\S+\s+\d+\.\d KiB\s+0\.\d\d×.*\*\s*$/m);
    expect(run.stdout).toMatch(
      /candidate\s+status\s+size\s+×size\s+p50 ms\s+p95 ms\s+×p50\s+max \|Δ\|\s+metric\s+pareto/,
    );
    expect(run.stdout).toMatch(/^original\s+baseline\s+\d+\.\d KiB\s+1\.00×/m);
    expect(run.stdout).toMatch(/Latency: batch 1, 5 interleaved runs on synthetic input\./);
  }, 60_000);

  it('exits 1 with the table when no candidate meets the budget', async () => {
    const run = await optimize({
      output: 'never.onnx',
      passes: 'prune:sparsity=0.95',
      data: 'val.csv',
      budget: 'accuracy=+50%',
    });
    expect(run.exitCode).toBe(1);
    const result = run.json as { candidates: Row[]; chosen: null; verdict: string; output: null };
    expect(result).toMatchObject({ chosen: null, verdict: 'no-candidate', output: null });
    expect(result.candidates[1]).toMatchObject({ name: 'prune', status: 'over-budget' });
    expect(() => readFileSync(join(dir, 'never.onnx'))).toThrow();
  }, 60_000);

  it.each([
    [['--budget', 'accuracy=-0.5%'], /--budget accuracy=-0\.5% needs data/],
    [['--data', 'val.csv', '--budget', 'accuracy=half'], /--budget 'accuracy=half' is not metric=±amount/],
    [['--data', 'missing.csv'], /data file not found: missing\.csv/],
    [['--passes', 'int9'], /--passes: 'int9' is not a pass/],
    [['--passes', 'prune:sparsity=2'], /prune sparsity 2 is not a fraction/],
    [['--passes', 'int8:form=nbits:block-size=48'], /pass int8: option block-size=48 is not a power of 2/],
    [['--passes', 'int8:form=int4'], /pass int8: option form=int4 is not one of integer, qdq, nbits/],
    [['--passes', 'int8:conv=maybe'], /pass int8: option conv=maybe is not a boolean/],
    [
      ['--data', 'narrow.csv', '--passes', 'int8-static'],
      /narrow\.csv gives 3 value\(s\) per row for model input 'x'.*takes 8/,
    ],
    [['--output', 'mlp.onnx'], /--output mlp\.onnx is the model itself/],
  ])(
    'bad input %j → one line, exit 2',
    async (args, message) => {
      const output = args.includes('--output') ? [] : ['--output', 'bad.onnx'];
      const run = await runCli(['optimize', '--model', 'mlp.onnx', ...output, ...args], { cwd: dir });
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(
        run.stderr
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('npm warn')),
      ).toHaveLength(1);
    },
    60_000,
  );

  it('skips a pass the model lacks operators for, and says so', async () => {
    // Only Softmax on the input: no weights to prune or quantize.
    const { buildModel, makeNode } = await import('../../../src/core/onnx/index.js');
    const bare = buildModel({
      inputs: [{ name: 'x', elementType: 'float', shape: ['batch', 8] }],
      outputs: [{ name: 'y', elementType: 'float', shape: ['batch', 8] }],
      nodes: [makeNode('Softmax', ['x'], ['y'])],
    });
    writeFileSync(join(dir, 'bare.onnx'), writeModel(bare));
    const run = await optimize({ model: 'bare.onnx', output: 'bare-out.onnx', passes: 'prune,int8' });
    // Nothing to gain: the original is kept (and written), and the table says why.
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ verdict: 'original', chosen: 'original', output: 'bare-out.onnx' });
    const rows = (run.json as { candidates: Row[] }).candidates;
    expect(rows.find((r) => r.name === 'prune')).toMatchObject({
      status: 'skipped',
      reason: 'prune: no float32 MatMul, Gemm or Conv weight initializer',
    });
    expect(rows.find((r) => r.name === 'int8')).toMatchObject({ status: 'skipped' });
  }, 60_000);
});
