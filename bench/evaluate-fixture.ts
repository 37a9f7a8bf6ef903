/**
 * Writes the evaluate throughput benchmark's inputs: an MLP (256 → 512 → 512 → 10, ReLU, softmax)
 * as ONNX, and an NPZ with `x` (float32 [rows, 256]) and `label` (int64 [rows]). Bundled and run by
 * evaluate-throughput.bench.mjs. Usage: evaluate-fixture <dir> <rows>
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel, makeNode, makeTensor, writeModel } from '../src/core/onnx/index.js';

const [dir, rowsText] = process.argv.slice(2);
const rows = Number(rowsText);
let seed = 12345;
const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
const weights = (n: number, m: number) => Float32Array.from({ length: n * m }, () => next() * 0.1);
const layers = [256, 512, 512, 10];
const initializers = [];
const nodes = [];
let input = 'x';
for (let i = 0; i < layers.length - 1; i++) {
  initializers.push(makeTensor(`w${i}`, weights(layers[i]!, layers[i + 1]!), [layers[i]!, layers[i + 1]!]));
  initializers.push(makeTensor(`b${i}`, new Float32Array(layers[i + 1]!), [layers[i + 1]!]));
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
  initializers,
  nodes,
});
writeFileSync(join(dir!, 'mlp.onnx'), writeModel(model));

const x = Float32Array.from({ length: rows * 256 }, next);
const label = BigInt64Array.from({ length: rows }, (_, i) => BigInt(i % 10));
writeFileSync(join(dir!, 'x.f32'), Buffer.from(x.buffer));
writeFileSync(
  join(dir!, 'data.npz'),
  zipStored([
    ['x.npy', npy('<f4', [rows, 256], Buffer.from(x.buffer))],
    ['label.npy', npy('<i8', [rows], Buffer.from(label.buffer))],
  ]),
);

function npy(descr: string, shape: number[], data: Buffer): Buffer {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}

let crcTable: number[] | undefined;
function makeCrcTable(): number[] {
  return Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
}
function crc32(data: Buffer): number {
  const table = (crcTable ??= makeCrcTable());
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip of stored (uncompressed) members, as numpy.savez writes them. */
function zipStored(members: [string, Buffer][]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of members) {
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, Buffer.from(name), data);
    central.push(entry, Buffer.from(name));
    offset += 30 + name.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
