/**
 * Writes the optimize benchmark's inputs: an MLP (256 → 512 → 512 → 10, ReLU, softmax) as ONNX
 * and a validation CSV whose labels are the float32 model's own argmax (so the original scores
 * accuracy 1 and a candidate's accuracy is its agreement with it). Bundled and run by
 * optimize-search.bench.mjs. Usage: optimize-search-fixture <dir> <rows>
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel, makeNode, makeTensor, writeModel } from '../src/core/onnx/index.js';

const dir = process.argv[2]!;
const rowsText = process.argv[3];
const rows = Number(rowsText);
let seed = 4242;
const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
const layers = [256, 512, 512, 10];
const weights = layers
  .slice(0, -1)
  .map((n, i) => Float32Array.from({ length: n * layers[i + 1]! }, () => next() * 0.2));
const biases = layers.slice(1).map((m) => Float32Array.from({ length: m }, () => next() * 0.1));
const initializers = [];
const nodes = [];
let input = 'x';
for (let i = 0; i < layers.length - 1; i++) {
  initializers.push(makeTensor(`w${i}`, weights[i]!, [layers[i]!, layers[i + 1]!]));
  initializers.push(makeTensor(`b${i}`, biases[i]!, [layers[i + 1]!]));
  nodes.push(makeNode('MatMul', [input, `w${i}`], [`m${i}`]), makeNode('Add', [`m${i}`, `b${i}`], [`a${i}`]));
  input = `a${i}`;
  if (i < layers.length - 2) {
    nodes.push(makeNode('Relu', [input], [`r${i}`]));
    input = `r${i}`;
  }
}
nodes.push(makeNode('Softmax', [input], ['probabilities'], { axis: { int: 1 } }));
const model = buildModel({
  inputs: [{ name: 'x', elementType: 'float', shape: ['batch', 256] }],
  outputs: [{ name: 'probabilities', elementType: 'float', shape: ['batch', 10] }],
  nodes,
  initializers,
  opsets: { '': 17 },
});
writeFileSync(join(dir, 'mlp.onnx'), writeModel(model));

// Labels: the float32 forward pass in JS (Math.fround per multiply-add is not needed for argmax).
const header = [...Array.from({ length: 256 }, (_, j) => `f${j}`), 'label'];
const lines = [header.join(',')];
for (let r = 0; r < rows; r++) {
  let h: number[] = Array.from({ length: 256 }, () => Math.round(next() * 2000) / 1000);
  const x = h;
  for (let i = 0; i < layers.length - 1; i++) {
    const out = new Array<number>(layers[i + 1]!).fill(0);
    for (let k = 0; k < layers[i]!; k++) {
      const v = h[k]!;
      if (v === 0) continue;
      for (let j = 0; j < out.length; j++) out[j]! += v * weights[i]![k * out.length + j]!;
    }
    h = out.map((v, j) => v + biases[i]![j]!).map((v) => (i < layers.length - 2 ? Math.max(0, v) : v));
  }
  lines.push([...x, h.indexOf(Math.max(...h))].join(','));
}
writeFileSync(join(dir, 'val.csv'), lines.join('\n') + '\n');
