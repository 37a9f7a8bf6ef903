// Containers read the way loaders read them: samples are built in the test (zip writer, npy
// header, safetensors, GGUF, Keras config, ONNX) so every trick is visible in the code.
import { create } from '@bufbuild/protobuf';
import { gzipSync } from 'node:zlib';
import { StringStringEntryProtoSchema } from 'onnx-buf';
import { describe, expect, it } from 'vitest';
import { scanBytes } from '../../../src/core/audit/scan-file.js';
import type { FileReport } from '../../../src/core/audit/types.js';
import { duplicateTopLevelKeys } from '../../../src/core/audit/containers/scan-safetensors.js';
import { buildModel, makeNode, makeTensor } from '../../../src/core/onnx/builder.js';
import { writeModel } from '../../../src/core/onnx/index.js';
import { npyHeader } from './pickle-rules.test.js';
import { benignPickle, callPickle, makeZip, P } from './pickle-writer.js';

const rules = (r: FileReport) => r.findings.map((f) => f.rule);
const evil = callPickle('builtins', 'eval', "print('456')");
const torchPickle = new P()
  .proto(2)
  .global('collections', 'OrderedDict')
  .emptyTuple()
  .reduce()
  .stop()
  .bytes();

describe('zip containers', () => {
  it('a torch zip with a benign data.pkl and tensor payloads is clean; only heads of tensors are read', async () => {
    const zip = makeZip([
      { name: 'archive/data.pkl', data: torchPickle },
      { name: 'archive/data/0', data: Buffer.alloc(1 << 20, 7) },
      { name: 'archive/version', data: Buffer.from('3\n') },
    ]);
    const r = await scanBytes(zip, 'model.pt');
    expect(r).toMatchObject({ format: 'pytorch', verdict: 'clean' });
  });

  it('a pickle hidden in a member without a .pkl extension is found by content', async () => {
    const r = await scanBytes(makeZip([{ name: 'archive/data.txt', data: evil }]), 'model.zip');
    expect(r.verdict).toBe('malicious');
    expect(r.findings.find((f) => f.global)?.member).toBe('archive/data.txt');
  });

  it('flags tricks: zip slip, symlink, header mismatch, CRC, prepended data, duplicate names', async () => {
    const zip = makeZip(
      [
        { name: '../../etc/cron.d/x', data: Buffer.from('x') },
        { name: 'link', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 },
        { name: 'data.pkl', localName: 'datap.kl', data: benignPickle() },
        { name: 'crc.bin', data: Buffer.from('abc'), crc: 1 },
        { name: 'dup', data: Buffer.from('1') },
        { name: 'dup', data: Buffer.from('2') },
      ],
      { prefix: Buffer.from('#!/bin/sh\nexit 0\n') },
    );
    const r = await scanBytes(zip, 'x.zip');
    expect(rules(r)).toEqual(
      expect.arrayContaining([
        'ZIP-PATH-TRAVERSAL',
        'ZIP-SYMLINK',
        'ZIP-HEADER-MISMATCH',
        'ZIP-CRC-MISMATCH',
        'ZIP-PREPENDED-DATA',
        'ZIP-DUPLICATE-NAME',
      ]),
    );
  });

  it('an "encrypted" flag on readable data is scanned anyway (torch reads it)', async () => {
    const r = await scanBytes(makeZip([{ name: 'model/config.pkl', data: evil, flags: 0x1 }]), 'x.zip');
    expect(r.verdict).toBe('malicious');
    expect(rules(r)).toContain('ZIP-FLAG-ANOMALY');
  });

  it('a really encrypted member is inconclusive, not clean and not malicious', async () => {
    const r = await scanBytes(
      makeZip([
        { name: 'test.txt', data: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]), flags: 0x1 },
      ]),
      'x.zip',
    );
    expect(r.verdict).toBe('inconclusive');
  });

  it('a high compression ratio is a bomb', async () => {
    const r = await scanBytes(
      makeZip([{ name: 'big.bin', data: Buffer.alloc(8 << 20), deflate: true }]),
      'x.zip',
    );
    expect(rules(r)).toContain('ZIP-BOMB');
  });

  it('npz: object arrays are scanned with the numpy allowlist', async () => {
    const npy = Buffer.concat([
      npyHeader("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"),
      callPickle('ssl', 'get_server_certificate'),
    ]);
    const r = await scanBytes(makeZip([{ name: 'a.npy', data: npy, deflate: true }]), 'arrays.npz');
    expect(r).toMatchObject({ format: 'npz', verdict: 'malicious' });
  });
});

describe('compressed wrappers', () => {
  it('gzip is decoded and its content scanned', async () => {
    const r = await scanBytes(gzipSync(evil), 'model.joblib.gz');
    expect(r.verdict).toBe('malicious');
  });

  it('junk behind a bzip2 or xz magic is inconclusive with a reason (real streams: compressed.test.ts)', async () => {
    const bz = Buffer.from('BZh91AY&SY' + 'x'.repeat(30), 'latin1');
    const r = await scanBytes(bz, 'model.pkl.bz2');
    expect(r).toMatchObject({ format: 'bzip2', verdict: 'inconclusive', findings: [] });
    expect(r.unscanned[0]).toMatch(
      /^model\.pkl\.bz2: corrupt bzip2 stream \(.*\); decompress it with bunzip2/,
    );
    const xz = Buffer.concat([
      Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04]),
      Buffer.alloc(32),
    ]);
    const x = await scanBytes(xz, 'model.pkl.xz');
    expect(x).toMatchObject({ format: 'xz', verdict: 'inconclusive', findings: [] });
    expect(x.unscanned[0]).toMatch(
      /model\.pkl\.xz: corrupt xz stream \(xz: stream header CRC mismatch\).*unxz/,
    );
  });
});

describe('safetensors', () => {
  const st = (header: object, data: number) => {
    const h = Buffer.from(JSON.stringify(header));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(h.length));
    return Buffer.concat([len, h, Buffer.alloc(data)]);
  };
  it('a consistent file is clean', async () => {
    const r = await scanBytes(
      st({ w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } }, 16),
      'm.safetensors',
    );
    expect(r).toMatchObject({ format: 'safetensors', verdict: 'clean' });
  });
  it('bounds, overlaps and shape × dtype mismatches are flagged', async () => {
    const r = await scanBytes(
      st(
        {
          a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
          b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] },
          c: { dtype: 'F16', shape: [100], data_offsets: [16, 400] },
        },
        16,
      ),
      'm.safetensors',
    );
    expect(rules(r)).toEqual(expect.arrayContaining(['SAFETENSORS-OVERLAP', 'SAFETENSORS-BOUNDS']));
  });
  it('a tensor named twice (escaped or not) is a duplicate key; nested keys are not', async () => {
    const header =
      '{"__metadata__":{"w":"x","w":"y"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},' +
      '"\\u0077":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    const r = await scanBytes(Buffer.concat([len, Buffer.from(header), Buffer.alloc(4)]), 'm.safetensors');
    const duplicates = r.findings.filter((f) => f.rule === 'SAFETENSORS-DUPLICATE-KEY');
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0]).toMatchObject({ severity: 'medium', message: expect.stringContaining('"w"') });
    expect(r.verdict).toBe('suspicious');
    expect(duplicateTopLevelKeys('{"a":"b","b":["a","a"],"c":{"a":1},"a":[]}')).toEqual(['a']);
    expect(duplicateTopLevelKeys('{"a\\"b":1,"x":"a\\"b","a\\"b":2}')).toEqual(['a"b']);
  });
});

describe('GGUF', () => {
  const gguf = (kv: Array<[string, string]>) => {
    const parts: Buffer[] = [Buffer.from('GGUF')];
    const u32 = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(n);
      return b;
    };
    const u64 = (n: number) => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(BigInt(n));
      return b;
    };
    const str = (s: string) => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);
    parts.push(u32(3), u64(0), u64(kv.length));
    for (const [k, v] of kv) parts.push(str(k), u32(8), str(v));
    return Buffer.concat([...parts, Buffer.alloc(64)]);
  };
  it('a chat template with a Jinja sandbox escape is critical', async () => {
    const r = await scanBytes(
      gguf([['tokenizer.chat_template', "{{ ''.__class__.__mro__[1].__subclasses__() }}"]]),
      'm.gguf',
    );
    expect(r.verdict).toBe('malicious');
    expect(rules(r)).toContain('GGUF-CHAT-TEMPLATE');
  });
  it('a plain template is clean; counts larger than the file are flagged', async () => {
    expect(
      (
        await scanBytes(
          gguf([['tokenizer.chat_template', '{% for m in messages %}{{ m.content }}{% endfor %}']]),
          'm.gguf',
        )
      ).verdict,
    ).toBe('clean');
    const bad = gguf([]);
    bad.writeBigUInt64LE(10n ** 12n, 8);
    expect(rules(await scanBytes(bad, 'm.gguf'))).toContain('GGUF-STRUCTURE');
  });

  // Tensor infos then data aligned to 32: [name, dims, ggml type, offset in the data section].
  const ggufTensors = (tensors: Array<[string, number[], number, number]>, dataBytes: number) => {
    const infos = tensors.map(([name, dims, type, offset]) => {
      const b = Buffer.alloc(8 + name.length + 4 + 8 * dims.length + 4 + 8);
      let p = b.writeBigUInt64LE(BigInt(name.length));
      p += b.write(name, p);
      p = b.writeUInt32LE(dims.length, p);
      for (const d of dims) p = b.writeBigUInt64LE(BigInt(d), p);
      p = b.writeUInt32LE(type, p);
      b.writeBigUInt64LE(BigInt(offset), p);
      return b;
    });
    const head = Buffer.alloc(24);
    head.write('GGUF');
    head.writeUInt32LE(3, 4);
    head.writeBigUInt64LE(BigInt(tensors.length), 8);
    const meta = Buffer.concat([head, ...infos]);
    return Buffer.concat([meta, Buffer.alloc((32 - (meta.length % 32)) % 32), Buffer.alloc(dataBytes)]);
  };
  const F32 = 0;
  const Q4_0 = 2;
  it('tensor sizes follow their ggml types: F32 4 bytes, Q4_0 18 bytes per 32 elements', async () => {
    const fits = ggufTensors(
      [
        ['w', [4, 2], F32, 0],
        ['q', [64], Q4_0, 32],
      ],
      32 + 36,
    );
    expect(await scanBytes(fits, 'm.gguf')).toMatchObject({ verdict: 'clean', findings: [] });

    const short = await scanBytes(ggufTensors([['q', [64], Q4_0, 0]], 20), 'm.gguf');
    expect(short.findings).toEqual([
      expect.objectContaining({
        rule: 'GGUF-STRUCTURE',
        message: expect.stringContaining('"q": 36 bytes at data offset 0 run past the end of the file'),
      }),
    ]);
    const ragged = await scanBytes(ggufTensors([['q', [30], Q4_0, 0]], 64), 'm.gguf');
    expect(ragged.findings.map((f) => f.message)).toEqual([
      expect.stringContaining('first dim 30 is not a multiple of the 32-element blocks of ggml type 2'),
    ]);
  });
});

describe('Keras, TensorFlow and ONNX', () => {
  const config = (layers: object[]) =>
    Buffer.from(JSON.stringify({ class_name: 'Sequential', config: { layers } }));
  it('.keras config.json with a Lambda layer is malicious; a Dense-only model is clean', async () => {
    const lambda = {
      class_name: 'Lambda',
      config: { name: 'evil', function: { class_name: '__lambda__', config: { code: 'YmFzZTY0' } } },
    };
    const bad = makeZip([
      { name: 'metadata.json', data: Buffer.from('{"keras_version":"3.0.0"}') },
      { name: 'config.json', data: config([lambda]) },
      { name: 'model.weights.h5', data: Buffer.from('\x89HDF\r\n\x1a\n', 'latin1') },
    ]);
    const r = await scanBytes(bad, 'm.keras');
    expect(r).toMatchObject({ format: 'keras', verdict: 'malicious' });
    const good = makeZip([
      { name: 'metadata.json', data: Buffer.from('{"keras_version":"3.0.0"}') },
      {
        name: 'config.json',
        data: config([{ class_name: 'Dense', module: 'keras.layers', config: { name: 'd' } }]),
      },
    ]);
    expect((await scanBytes(good, 'm.keras')).verdict).toBe('clean');
  });

  it('an HDF5 file whose model_config holds a Lambda is flagged without parsing HDF5', async () => {
    const h5 = Buffer.concat([
      Buffer.from('\x89HDF\r\n\x1a\n', 'latin1'),
      Buffer.alloc(100),
      config([{ class_name: 'Lambda', config: { name: 'l' } }]),
      Buffer.alloc(100),
    ]);
    expect(rules(await scanBytes(h5, 'm.h5'))).toContain('KERAS-LAMBDA');
  });

  it('a SavedModel graph with ReadFile/WriteFile ops is flagged', async () => {
    const pb = Buffer.concat([
      Buffer.from([0x0a, 0x02, 0x08, 0x01]),
      Buffer.from([0x12, 8]),
      Buffer.from('ReadFile'),
    ]);
    expect(rules(await scanBytes(pb, 'saved_model.pb'))).toContain('TF-DANGEROUS-OP');
  });

  it('ONNX: external data outside the model directory and custom domains', async () => {
    const w = makeTensor('W', new Float32Array([1, 2]), [2]);
    w.dataLocation = 1;
    w.rawData = new Uint8Array();
    w.externalData = [create(StringStringEntryProtoSchema, { key: 'location', value: '../../etc/passwd' })];
    const model = buildModel({
      inputs: [{ name: 'x', elementType: 'float', shape: [2] }],
      outputs: [{ name: 'y', elementType: 'float', shape: [2] }],
      initializers: [w],
      nodes: [makeNode('Evil', ['x', 'W'], ['y'], {}, { domain: 'com.evil' })],
      opsets: { '': 17, 'com.evil': 1 },
    } as never);
    const r = await scanBytes(writeModel(model), 'model.onnx');
    expect(rules(r)).toEqual(expect.arrayContaining(['ONNX-EXTERNAL-DATA-PATH', 'ONNX-CUSTOM-DOMAIN']));
  });
});
