// One sample per rule (and per bypass class the issue names), each written here byte by byte or
// made by a real tool, and a check that every rule in RULES has a sample — in this file or in the
// named test that owns it. A new rule without a sample fails this test.
import { execFileSync } from 'node:child_process';
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../../src/core/audit/rules.js';
import { scanBytes } from '../../../src/core/audit/scan-file.js';
import type { FileReport, ScanLimits } from '../../../src/core/audit/types.js';
import { buildModel, makeTensor } from '../../../src/core/onnx/builder.js';
import { writeModel } from '../../../src/core/onnx/index.js';
import { TensorProtoSchema } from 'onnx-buf';
import { npyHeader } from './pickle-rules.test.js';
import { benignPickle, callPickle, makeZip, P } from './pickle-writer.js';

const rules = (r: FileReport) => r.findings.map((f) => f.rule);
const scan = (bytes: Uint8Array, name: string, limits: Partial<ScanLimits> = {}) =>
  scanBytes(bytes, name, { limits });

/** Drops the last entry from a zip's central directory, leaving its local header in place. */
function hideLastEntry(zip: Buffer): Buffer {
  const eocd = zip.length - 22;
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  let at = cdOffset;
  for (let i = 0; i < count - 1; i++)
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  const end = Buffer.from(zip.subarray(eocd));
  end.writeUInt16LE(count - 1, 8);
  end.writeUInt16LE(count - 1, 10);
  end.writeUInt32LE(at - cdOffset, 12);
  return Buffer.concat([zip.subarray(0, at), zip.subarray(cdOffset + cdSize, eocd), end]);
}

/** A tar made by Python's tarfile (/usr/bin/python3): members given as [name, type, data]. */
function pythonTar(members: [string, 'file' | 'symlink' | 'hardlink', string][]): Buffer {
  const code = `
import io, json, sys, tarfile
out = io.BytesIO()
with tarfile.open(fileobj=out, mode='w', format=tarfile.USTAR_FORMAT) as tar:
    for name, kind, data in json.loads(sys.argv[1]):
        info = tarfile.TarInfo(name)
        if kind == 'file':
            raw = bytes.fromhex(data)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
        else:
            info.type = tarfile.SYMTYPE if kind == 'symlink' else tarfile.LNKTYPE
            info.linkname = data
            tar.addfile(info)
sys.stdout.buffer.write(out.getvalue())`;
  const arg = JSON.stringify(
    members.map(([n, k, d]) => [n, k, k === 'file' ? Buffer.from(d, 'latin1').toString('hex') : d]),
  );
  return execFileSync('/usr/bin/python3', ['-c', code, arg]);
}

const legacyMagic = Buffer.from([
  0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e,
]);
const stSample = (header: object, data: number) => {
  const h = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([len, h, Buffer.alloc(data)]);
};
const kerasZip = (layers: object[]) =>
  makeZip([
    { name: 'metadata.json', data: Buffer.from('{"keras_version":"3.0.0"}') },
    {
      name: 'config.json',
      data: Buffer.from(JSON.stringify({ class_name: 'Sequential', config: { layers } })),
    },
  ]);

interface Sample {
  rule: string;
  what: string;
  make: () => Buffer | Promise<Buffer>;
  name: string;
  limits?: Partial<ScanLimits>;
}

const SAMPLES: Sample[] = [
  {
    rule: 'PICKLE-DANGEROUS-GLOBAL',
    what: 'STACK_GLOBAL os.system + REDUCE',
    name: 'a.pkl',
    make: () => callPickle('os', 'system'),
  },
  {
    rule: 'PICKLE-UNKNOWN-GLOBAL',
    what: 'an import off the allowlist',
    name: 'a.pkl',
    make: () => new P().proto(2).global('colorsys', 'rgb_to_hsv').stop().bytes(),
  },
  {
    rule: 'PICKLE-DYNAMIC-GLOBAL',
    what: 'STACK_GLOBAL whose module name is read from a dict at load time',
    name: 'a.pkl',
    make: () =>
      new P()
        .proto(4)
        .global('builtins', 'dict')
        .emptyTuple()
        .reduce()
        .sbu('system')
        .stackGlobal()
        .stop()
        .bytes(),
  },
  {
    rule: 'PICKLE-GLOBAL-MUTATION',
    what: 'SETITEM on an imported class (a dict-like global)',
    name: 'a.pkl',
    make: () =>
      new P().proto(2).global('collections', 'OrderedDict').sbu('__reduce__').none().setitem().stop().bytes(),
  },
  {
    rule: 'PICKLE-GLOBAL-MUTATION',
    what: 'APPEND onto an imported module',
    name: 'a.pkl',
    make: () => new P().proto(2).global('torch', 'nn').none().append().stop().bytes(),
  },
  {
    rule: 'PICKLE-CALL-RESULT',
    what: 'REDUCE chain: calling what a call returned',
    name: 'a.pkl',
    make: () =>
      new P()
        .proto(2)
        .global('collections', 'OrderedDict')
        .emptyTuple()
        .reduce()
        .emptyTuple()
        .reduce()
        .stop()
        .bytes(),
  },
  {
    rule: 'PICKLE-NESTED',
    what: 'a pickle in a BINBYTES constant (no pickle.loads in sight)',
    name: 'a.pkl',
    make: () => new P().proto(4).binbytes(callPickle('subprocess', 'check_output')).stop().bytes(),
  },
  {
    rule: 'PICKLE-FRAME-VIOLATION',
    what: 'an opcode argument that crosses its FRAME',
    name: 'a.pkl',
    make: () => new P().proto(4).frame(3).sbu('abcdef').stop().bytes(),
  },
  {
    rule: 'PICKLE-EXTENSION-REGISTRY',
    what: 'EXT1',
    name: 'a.pkl',
    make: () => Buffer.from([0x80, 0x02, 0x82, 0x01, 0x29, 0x52, 0x2e]),
  },
  {
    rule: 'PICKLE-EXPANSION',
    what: 'billion laughs through the memo (4^12 elements from 60 opcodes)',
    name: 'a.pkl',
    make: () => {
      const p = new P().proto(4).sbu('lol').binput(0);
      for (let l = 0; l < 12; l++)
        p.mark()
          .binget(l)
          .binget(l)
          .binget(l)
          .binget(l)
          .list()
          .binput(l + 1);
      return p.stop().bytes();
    },
  },
  {
    rule: 'PICKLE-MALFORMED',
    what: 'GET of a memo key never PUT',
    name: 'a.pkl',
    make: () => new P().proto(4).binget(7).stop().bytes(),
  },
  {
    rule: 'PICKLE-TRAILING-DATA',
    what: 'junk after the last complete pickle',
    name: 'a.pkl',
    make: () => Buffer.concat([benignPickle(), Buffer.from([0xff, 0xfe, 0xfd])]),
  },
  {
    rule: 'PICKLE-OUT-OF-BAND',
    what: 'NEXT_BUFFER (protocol 5)',
    name: 'a.pkl',
    make: () => Buffer.from([0x80, 0x05, 0x97, 0x2e]),
  },
  {
    rule: 'TORCH-LEGACY-STRUCTURE',
    what: 'legacy torch magic with one pickle of five',
    name: 'old.pt',
    make: () => legacyMagic,
  },
  {
    rule: 'ZIP-PATH-TRAVERSAL',
    what: 'zip slip',
    name: 'a.zip',
    make: () => makeZip([{ name: '../../home/user/.bashrc', data: Buffer.from('x') }]),
  },
  {
    rule: 'ZIP-SYMLINK',
    what: 'a member with the S_IFLNK mode',
    name: 'a.zip',
    make: () => makeZip([{ name: 'link', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 }]),
  },
  {
    rule: 'ZIP-HEADER-MISMATCH',
    what: 'local header names another file than the central directory',
    name: 'm.pt',
    make: () => makeZip([{ name: 'archive/data.pkl', localName: 'archive/evil.pkl', data: benignPickle() }]),
  },
  {
    rule: 'ZIP-HIDDEN-ENTRY',
    what: 'a local header the central directory does not list',
    name: 'm.zip',
    make: () =>
      hideLastEntry(
        makeZip([
          { name: 'ok.txt', data: Buffer.from('fine') },
          { name: 'hidden.pkl', data: callPickle('os', 'system') },
        ]),
      ),
  },
  {
    rule: 'ZIP-FLAG-ANOMALY',
    what: 'encryption flag on readable pickle data',
    name: 'm.pt',
    make: () => makeZip([{ name: 'archive/data.pkl', data: benignPickle(), flags: 1 }]),
  },
  {
    rule: 'ZIP-CRC-MISMATCH',
    what: 'stored CRC-32 that does not match',
    name: 'm.zip',
    make: () => makeZip([{ name: 'data.pkl', data: benignPickle(), crc: 0x12345678 }]),
  },
  {
    rule: 'ZIP-DUPLICATE-NAME',
    what: 'two members with one name',
    name: 'm.zip',
    make: () =>
      makeZip([
        { name: 'data.pkl', data: benignPickle() },
        { name: 'data.pkl', data: benignPickle() },
      ]),
  },
  {
    rule: 'ZIP-BOMB',
    what: 'members declaring more than the total cap',
    name: 'm.zip',
    limits: { maxDecompressedBytes: 1 << 20 },
    make: () => makeZip([{ name: 'big.bin', data: Buffer.alloc(2 << 20), deflate: true }]),
  },
  {
    rule: 'ZIP-PREPENDED-DATA',
    what: 'bytes before the first entry (polyglot)',
    name: 'm.zip',
    make: () =>
      makeZip([{ name: 'a.txt', data: Buffer.from('a') }], { prefix: Buffer.from('#!/bin/sh\necho hi\n') }),
  },
  {
    rule: 'ZIP-APPENDED-DATA',
    what: 'bytes after the end record',
    name: 'm.zip',
    make: () => Buffer.concat([makeZip([{ name: 'a.txt', data: Buffer.from('a') }]), Buffer.from('trailer')]),
  },
  {
    rule: 'COMPRESSION-BOMB',
    what: 'xz of 12 MiB of zeros',
    name: 'a.pkl.xz',
    make: () => execFileSync('xz', ['-c'], { input: Buffer.alloc(12 << 20) }),
  },
  {
    rule: 'TAR-PATH-TRAVERSAL',
    what: 'tar member ../x.pkl (Python tarfile)',
    name: 'old.tar',
    make: () => pythonTar([['../x.pkl', 'file', benignPickle().toString('latin1')]]),
  },
  {
    rule: 'TAR-LINK',
    what: 'tar symlink (Python tarfile)',
    name: 'old.tar',
    make: () => pythonTar([['storages', 'symlink', '/etc/passwd']]),
  },
  {
    rule: 'NUMPY-TRUNCATED',
    what: '.npy whose shape × dtype needs more bytes than it has',
    name: 'a.npy',
    make: () =>
      Buffer.concat([
        npyHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (1000,), }"),
        Buffer.alloc(16),
      ]),
  },
  {
    rule: 'SAFETENSORS-HEADER',
    what: 'unknown dtype',
    name: 'a.safetensors',
    make: () => stSample({ w: { dtype: 'Q9', shape: [1], data_offsets: [0, 4] } }, 4),
  },
  {
    rule: 'SAFETENSORS-BOUNDS',
    what: 'data_offsets past the data',
    name: 'a.safetensors',
    make: () => stSample({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 8),
  },
  {
    rule: 'SAFETENSORS-OVERLAP',
    what: 'two tensors sharing bytes',
    name: 'a.safetensors',
    make: () =>
      stSample(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
        },
        12,
      ),
  },
  {
    rule: 'SAFETENSORS-HOLE',
    what: 'bytes between tensors',
    name: 'a.safetensors',
    make: () =>
      stSample(
        {
          a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
          b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
        },
        12,
      ),
  },
  {
    rule: 'SAFETENSORS-DUPLICATE-KEY',
    what: 'a tensor named twice',
    name: 'a.safetensors',
    make: () => {
      const h = Buffer.from(
        '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
      );
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(h.length));
      return Buffer.concat([len, h, Buffer.alloc(4)]);
    },
  },
  {
    rule: 'ONNX-IMPLAUSIBLE-DIMS',
    what: 'an initializer with a negative dim',
    name: 'model.onnx',
    make: () => {
      const w = makeTensor('W', new Float32Array([1, 2]), [2]);
      const bad = create(TensorProtoSchema, { ...w, dims: [-5n] });
      const model = buildModel({
        inputs: [{ name: 'x', elementType: 'float', shape: [2] }],
        outputs: [{ name: 'x', elementType: 'float', shape: [2] }],
        initializers: [bad],
        nodes: [],
        opsets: { '': 17 },
      } as never);
      return Buffer.from(writeModel(model));
    },
  },
  {
    rule: 'KERAS-LAMBDA',
    what: 'a Lambda layer',
    name: 'm.keras',
    make: () => kerasZip([{ class_name: 'Lambda', config: { name: 'l', function: 'YmFzZTY0' } }]),
  },
  {
    rule: 'KERAS-FOREIGN-MODULE',
    what: 'a layer from a module outside Keras',
    name: 'm.keras',
    make: () => kerasZip([{ class_name: 'Dense', module: 'my_company.layers', config: { name: 'd' } }]),
  },
  {
    rule: 'KERAS-DANGEROUS-FUNCTION',
    what: 'a config object that calls keras.config.enable_unsafe_deserialization',
    name: 'm.keras',
    make: () =>
      kerasZip([{ class_name: 'enable_unsafe_deserialization', module: 'keras.config', config: {} }]),
  },
];

/** Rules whose samples live in another test file (they need a git repository or a bigger setup). */
const ELSEWHERE: Record<string, string> = {
  'LFS-INTEGRITY': 'test/verbs/audit/lfs-integrity.test.ts',
  'ONNX-EXTERNAL-DATA-PATH': 'test/core/audit/containers.test.ts (ONNX)',
  'ONNX-CUSTOM-DOMAIN': 'test/core/audit/containers.test.ts (ONNX)',
  'GGUF-STRUCTURE': 'test/core/audit/containers.test.ts (GGUF)',
  'GGUF-CHAT-TEMPLATE': 'test/core/audit/containers.test.ts (GGUF)',
  'TF-DANGEROUS-OP': 'test/core/audit/containers.test.ts (SavedModel)',
};

describe('every rule fires on its own sample', () => {
  it.each(SAMPLES.map((s) => [s.rule, s.what, s] as const))('%s: %s', async (_rule, _what, sample) => {
    const r = await scan(await sample.make(), sample.name, sample.limits);
    expect(rules(r), JSON.stringify(r.findings.map((f) => f.message))).toContain(sample.rule);
    const info = RULES.find((x) => x.id === sample.rule)!;
    const worst = r.findings.filter((f) => f.rule === sample.rule).map((f) => f.severity);
    // A rule may escalate (e.g. a foreign module that is also dangerous), never report below its level.
    const order = ['low', 'medium', 'high', 'critical'];
    expect(Math.max(...worst.map((s) => order.indexOf(s)))).toBeGreaterThanOrEqual(
      order.indexOf(info.severity),
    );
    expect(r.verdict).not.toBe('clean');
  });

  it('no rule in RULES is without a sample', () => {
    const covered = new Set([...SAMPLES.map((s) => s.rule), ...Object.keys(ELSEWHERE)]);
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });
});
