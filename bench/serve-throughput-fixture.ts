/**
 * Writes the serve throughput benchmark's models: MLPs with ReLU between layers and a softmax
 * output `probabilities`, input `x` [batch, first layer], seeded weights. Bundled and run by
 * serve-throughput.bench.mjs. Usage: serve-throughput-fixture <file.onnx> <layers, e.g. 256,512,512,10>
 * The 256-512-512-10 MLP has the evaluate bench's shape (not its weights).
 */
import { writeFileSync } from 'node:fs';
import { buildModel, makeNode, makeTensor, writeModel } from '../src/core/onnx/index.js';

const [file, layersText] = process.argv.slice(2);
const layers = layersText!.split(',').map(Number);
let seed = 12345;
const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
const initializers = [];
const nodes = [];
let input = 'x';
for (let i = 0; i < layers.length - 1; i++) {
  const [n, m] = [layers[i]!, layers[i + 1]!];
  // Scaled so activations stay of order one through wide layers.
  const scale = 0.1 * Math.sqrt(256 / n);
  const w = new Float32Array(n * m);
  for (let k = 0; k < w.length; k++) w[k] = next() * scale;
  initializers.push(makeTensor(`w${i}`, w, [n, m]), makeTensor(`b${i}`, new Float32Array(m), [m]));
  nodes.push(makeNode('MatMul', [input, `w${i}`], [`m${i}`]), makeNode('Add', [`m${i}`, `b${i}`], [`a${i}`]));
  input = `a${i}`;
  if (i < layers.length - 2) {
    nodes.push(makeNode('Relu', [input], [`r${i}`]));
    input = `r${i}`;
  }
}
nodes.push(makeNode('Softmax', [input], ['probabilities'], { axis: { int: 1 } }));
const model = buildModel({
  inputs: [{ name: 'x', elementType: 'float', shape: ['batch', layers[0]!] }],
  outputs: [{ name: 'probabilities', elementType: 'float', shape: ['batch', layers.at(-1)!] }],
  initializers,
  nodes,
});
writeFileSync(file!, writeModel(model));
