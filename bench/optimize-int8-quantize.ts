// Applies one quantization pass to a model file: `node quantize.mjs IN OUT PASS [OPTIONS_JSON]`.
// Bundled by bench/optimize-int8.bench.mjs with esbuild; prints the pass result as one JSON line.
import { readFileSync, writeFileSync } from 'node:fs';
import { readModel, writeModel } from '../src/core/onnx/index.js';
import { QUANTIZE_PASSES } from '../src/core/optimize/quantize/index.js';

const [input, output, name, options] = process.argv.slice(2) as [string, string, string, string?];
const pass = QUANTIZE_PASSES.find((p) => p.name === name);
if (!pass) throw new Error(`no pass ${name}`);
const result = await pass.apply(readModel(readFileSync(input), input), {
  options: options ? (JSON.parse(options) as Record<string, string | number | boolean>) : {},
});
if (result.kind === 'changed') writeFileSync(output, writeModel(result.model));
console.log(JSON.stringify(result.kind === 'changed' ? { kind: result.kind, notes: result.notes } : result));
