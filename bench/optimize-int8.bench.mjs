// Dynamic int8 (`--passes int8`) side by side with fp32 on the same CPU, same process, same inputs:
// the torch 1.13 exports of test/peers/optimize_models.py (an MLP 256-512-512-10, a 2-layer
// transformer encoder, d=128, 4 heads, ff 512, 32 tokens, and a small CNN: 3×32×32 → Conv 16 3×3
// → MaxPool → Conv 32 3×3 → pool → Linear 10, whose int8 runs its Convs as ConvInteger; the CNN
// also as `int8:conv=false`, Linear only), at batch 1 and batch 32. Also records
// the file size of int8, int8:form=nbits and int8-weight against fp32, the latency of weight-only
// int8, the MatMulNBits form of dynamic int8 (form=nbits, block-size 64: fastest at batch 1 on the
// MLP) and the QDQ form (form=qdq) that lost to the integer form. Runs alternate (fp32, int8, fp32,
// …); the ratio is the median of each adjacent pair's ratio, with the 1-minute load average beside
// it. Both sessions get the same options: onnxruntime's defaults, or one intra-op thread.
// Env: BENCH_INT8_RUNS (default 9), BENCH_INT8_MS (time per run, default 300),
// BENCH_INT8_THREADS (intra-op threads to try, default "0,1": onnxruntime's default and one),
// BENCH_INT8_VARIANTS (comma-separated subset of the variant names below, default all),
// BENCH_INT8_MODELS (comma-separated subset of mlp, transformer, cnn; default all).
// Writes bench/results/optimize-int8.json.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleScript, median, msPerRun, writeResults } from './lib/ort-bench.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const runs = Number(process.env.BENCH_INT8_RUNS ?? 9);
const budgetMs = Number(process.env.BENCH_INT8_MS ?? 300);
// 0 = onnxruntime's default (one per core); 1 = no thread pool, steadier on a busy machine.
const threads = (process.env.BENCH_INT8_THREADS ?? '0,1').split(',').map(Number);
const work = mkdtempSync(join(tmpdir(), 'modelops-bench-int8-'));
try {
  execFileSync('/usr/bin/python3', [join(root, 'test/peers/optimize_models.py'), work, '32'], {
    stdio: 'ignore',
  });
  await bundleScript(join(here, 'optimize-int8-quantize.ts'), join(work, 'quantize.mjs'));
  const quantize = (model, pass, options = {}) => {
    const tag = Object.entries(options)
      .map(([k, v]) => `-${k}-${v}`)
      .join('');
    const out = join(work, `${model}.${pass}${tag}.onnx`);
    execFileSync(process.execPath, [
      join(work, 'quantize.mjs'),
      join(work, `${model}.onnx`),
      out,
      pass,
      JSON.stringify(options),
    ]);
    return out;
  };

  const ort = await import('onnxruntime-node');
  /** Mean milliseconds per run over the time budget. */
  const timeRuns = async (session, feeds) => await msPerRun(session, feeds, budgetMs, 5);
  const results = [];
  const models = process.env.BENCH_INT8_MODELS?.split(',').map((m) => m.trim());
  for (const [model, shape] of [
    ['mlp', [256]],
    ['transformer', [32, 128]],
    ['cnn', [3, 32, 32]],
  ].filter(([m]) => !models || models.includes(m))) {
    const fp32Path = join(work, `${model}.onnx`);
    const files = {
      int8: quantize(model, 'int8'),
      'int8 (form=nbits)': quantize(model, 'int8', { form: 'nbits', 'block-size': 64 }),
      'int8 (form=qdq)': quantize(model, 'int8', { form: 'qdq' }),
      'int8-weight': quantize(model, 'int8-weight'),
      ...(model === 'cnn' ? { 'int8 (conv=false)': quantize(model, 'int8', { conv: false }) } : {}),
    };
    const wanted = process.env.BENCH_INT8_VARIANTS?.split(',').map((v) => v.trim());
    const variants = Object.fromEntries(
      Object.entries(files).filter(([name]) => !wanted || wanted.includes(name)),
    );
    const npy = readFileSync(join(work, `${model}.x.npy`));
    const values = 32 * shape.reduce((a, b) => a * b);
    // The data is the file's last bytes (after the NPY header); copy them into an aligned buffer.
    const x = new Float32Array(values);
    new Uint8Array(x.buffer).set(npy.subarray(npy.length - values * 4));
    for (const [[name, path], intraOpNumThreads] of Object.entries(variants).flatMap((v) =>
      threads.map((t) => [v, t]),
    )) {
      const options = { logSeverityLevel: 4, ...(intraOpNumThreads ? { intraOpNumThreads } : {}) };
      const fp32 = await ort.InferenceSession.create(fp32Path, options);
      const int8 = await ort.InferenceSession.create(path, options);
      for (const batch of [1, 32]) {
        const feeds = {
          input: new ort.Tensor('float32', x.subarray(0, batch * shape.reduce((a, b) => a * b)), [
            batch,
            ...shape,
          ]),
        };
        await timeRuns(fp32, feeds); // warm-up
        await timeRuns(int8, feeds);
        const a = [];
        const b = [];
        const ratios = [];
        for (let i = 0; i < runs; i++) {
          a.push(await timeRuns(fp32, feeds));
          b.push(await timeRuns(int8, feeds));
          ratios.push(b.at(-1) / a.at(-1));
        }
        const reference = (await fp32.run(feeds)).output.data;
        const quantized = (await int8.run(feeds)).output.data;
        let maxAbs = 0;
        for (let i = 0; i < reference.length; i++)
          maxAbs = Math.max(maxAbs, Math.abs(reference[i] - quantized[i]));
        results.push({
          model,
          variant: name,
          threads: intraOpNumThreads || 'default',
          batch,
          fp32_ms: +median(a).toFixed(3),
          int8_ms: +median(b).toFixed(3),
          ratio: +median(ratios).toFixed(3),
          pair_ratios: ratios.map((r) => +r.toFixed(3)),
          max_abs_diff: +maxAbs.toExponential(2),
          load_average_1m: +loadavg()[0].toFixed(2),
        });
        console.log(JSON.stringify(results.at(-1)));
      }
      await fp32.release();
      await int8.release();
    }
    const size = (p) => statSync(p).size;
    results.push({
      model,
      fp32_bytes: size(fp32Path),
      int8_size_ratio: +(size(files.int8) / size(fp32Path)).toFixed(3),
      int8_nbits_size_ratio: +(size(files['int8 (form=nbits)']) / size(fp32Path)).toFixed(3),
      int8_weight_size_ratio: +(size(files['int8-weight']) / size(fp32Path)).toFixed(3),
      ...(files['int8 (conv=false)']
        ? { int8_conv_false_size_ratio: +(size(files['int8 (conv=false)']) / size(fp32Path)).toFixed(3) }
        : {}),
    });
    console.log(JSON.stringify(results.at(-1)));
  }
  writeResults(join(here, 'results'), 'optimize-int8', { runs, ms_per_run: budgetMs, results });
} finally {
  rmSync(work, { recursive: true, force: true });
}
