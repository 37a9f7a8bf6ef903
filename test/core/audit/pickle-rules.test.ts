// Every pickle rule family and bypass class, on samples assembled byte by byte in the test.
import { describe, expect, it } from 'vitest';
import { scanBytes } from '../../../src/core/audit/scan-file.js';
import type { FileReport } from '../../../src/core/audit/types.js';
import { benignPickle, callPickle, P } from './pickle-writer.js';

const scan = (bytes: Uint8Array, name = 'sample.pkl', limits = {}) => scanBytes(bytes, name, { limits });
const rules = (r: FileReport) => r.findings.map((f) => f.rule);
const globals = (r: FileReport) => r.findings.map((f) => f.global).filter(Boolean);

describe('pickle: dangerous imports, whatever opcode brings them', () => {
  it.each([
    ['GLOBAL (protocol 0)', new P().global('os', 'system').string('id').tuple1().reduce().stop().bytes()],
    ['STACK_GLOBAL (protocol 4)', callPickle('os', 'system')],
    ['INST', new P().mark().string('id').inst('os', 'system').stop().bytes()],
    ['NEWOBJ', new P().proto(2).global('subprocess', 'Popen').emptyTuple().newobj().stop().bytes()],
    [
      'OBJ whose result is popped (GHSA-mxhj-88fx-4pcv)',
      new P()
        .proto(4)
        .mark()
        .sbu('smtplib')
        .sbu('SMTP')
        .stackGlobal()
        .sbu('127.0.0.1')
        .obj()
        .pop()
        .none()
        .stop()
        .bytes(),
    ],
  ])('%s', async (_name, bytes) => {
    const r = await scan(bytes);
    expect(r.verdict).toBe('malicious');
    expect(rules(r)).toContain('PICKLE-DANGEROUS-GLOBAL');
  });

  it.each([
    ['posix', 'system'],
    ['nt', 'system'],
    ['__builtin__', 'eval'],
    ['builtins', 'eval.__call__'],
    ['pathlib', 'os.system'],
    ['_operator', 'attrgetter'],
    ['__future__', '_ssl.RAND_bytes'],
    ['numpy', '__builtins__'],
    ['torch.hub', 'load'],
    ['copyreg', '_reconstructor.__globals__'],
    ['_xxsubinterpreters', 'create'],
  ])('aliases and every dotted prefix: %s.%s', async (module, name) => {
    expect((await scan(callPickle(module, name))).verdict).toBe('malicious');
  });

  it('memo confusion: keys PUT out of order resolve to what the unpickler really uses', async () => {
    // PUT 2 = 'os', PUT 3 = 'system', then decoys overwrite nothing; GET 2, GET 3 → os.system.
    const bytes = new P()
      .proto(4)
      .sbu('torch')
      .binput(0)
      .sbu('LongStorage')
      .binput(1)
      .sbu('os')
      .binput(2)
      .sbu('system')
      .binput(3)
      .pop()
      .pop()
      .pop()
      .pop()
      .binget(2)
      .binget(3)
      .stackGlobal()
      .sbu('id')
      .tuple1()
      .reduce()
      .stop()
      .bytes();
    const r = await scan(bytes);
    expect(globals(r)).toContain('os.system');
    expect(globals(r)).not.toContain('torch.LongStorage');
  });

  it('STACK_GLOBAL with operands computed at load time is critical', async () => {
    const bytes = new P()
      .proto(4)
      .sbu('builtins')
      .sbu('str')
      .stackGlobal()
      .sbu('os')
      .tuple1()
      .reduce()
      .sbu('system')
      .stackGlobal()
      .stop()
      .bytes();
    const r = await scan(bytes);
    expect(rules(r)).toContain('PICKLE-DYNAMIC-GLOBAL');
    expect(r.verdict).toBe('malicious');
  });

  it('BUILD on an imported module is a mutation', async () => {
    const bytes = new P()
      .proto(4)
      .sbu('torch._utils')
      .sbu('_rebuild_tensor')
      .stackGlobal()
      .emptyDict()
      .build()
      .stop()
      .bytes();
    expect(rules(await scan(bytes))).toContain('PICKLE-GLOBAL-MUTATION');
  });

  it('a pickle inside a bytes constant is decoded and its imports reported', async () => {
    const inner = callPickle('os', 'system', 'echo pwned');
    const bytes = new P()
      .proto(5)
      .global('pickle', 'loads')
      .binbytes(inner)
      .tuple1()
      .reduce()
      .pop()
      .none()
      .stop()
      .bytes();
    const r = await scan(bytes);
    expect(globals(r)).toEqual(expect.arrayContaining(['pickle.loads', 'os.system']));
    expect(r.findings.find((f) => f.global === 'os.system')?.member).toMatch(/!nested@/);
  });

  it('several pickles in one stream are all scanned', async () => {
    const r = await scan(Buffer.concat([benignPickle(), callPickle('requests.api', 'get')]));
    expect(r.verdict).toBe('malicious');
    expect(r.findings[0]!.member).toBe('#pickle2');
  });

  it('findings seen before a parse error are still reported', async () => {
    const bytes = Buffer.concat([
      new P().global('builtins', 'exec').bytes(),
      Buffer.from([0x58, 0xff, 0xff, 0xff, 0x7f]),
    ]);
    const r = await scan(bytes);
    expect(r.verdict).toBe('malicious');
    expect(r.unscanned.length).toBe(1);
  });
});

describe('pickle: FRAME boundaries', () => {
  it('an argument that runs past its FRAME is flagged', async () => {
    const hidden = new P().global('os', 'system').string('id').tuple1().reduce().bytes();
    const bytes = new P().proto(5).frame(2).binbytes(hidden).pop().none().stop().bytes();
    expect(rules(await scan(bytes))).toContain('PICKLE-FRAME-VIOLATION');
  });

  it('a FRAME inside a FRAME is flagged', async () => {
    const bytes = new P().proto(4).frame(13).none().pop().frame(2).none().stop().bytes();
    expect(rules(await scan(bytes))).toContain('PICKLE-FRAME-VIOLATION');
  });

  it('large bytes written outside frames (what CPython does) stay clean', async () => {
    const small = new P().none().pop().bytes();
    const bytes = new P()
      .proto(4)
      .frame(small.length)
      .chunk(small)
      .binbytes(Buffer.alloc(100_000, 0x78))
      .stop()
      .bytes();
    expect((await scan(bytes)).verdict).toBe('clean');
  });
});

describe('pickle: allowlist first, per container kind', () => {
  it('collections.Counter is unknown: suspicious, strict-only', async () => {
    const r = await scan(
      new P().proto(2).global('collections', 'Counter').emptyTuple().reduce().stop().bytes(),
    );
    expect(r.verdict).toBe('suspicious');
    expect(r.findings[0]).toMatchObject({ rule: 'PICKLE-UNKNOWN-GLOBAL', strictOnly: true });
  });

  it.each([
    ['builtins', 'len'],
    ['builtins', 'dict'],
    ['_codecs', 'encode'],
    ['__future__', 'annotations'],
    ['collections', 'OrderedDict'],
  ])('benign control %s.%s stays clean', async (module, name) => {
    expect(
      (await scan(new P().proto(2).global(module, name).emptyTuple().reduce().stop().bytes())).verdict,
    ).toBe('clean');
  });

  it('ast.parse is not on an ML allowlist', async () => {
    expect((await scan(new P().proto(4).sbu('ast').sbu('parse').stackGlobal().stop().bytes())).verdict).toBe(
      'suspicious',
    );
  });

  it('torch rebuild functions are allowed in torch files, unknown in numpy files', async () => {
    const bytes = new P()
      .proto(2)
      .global('torch._utils', '_rebuild_tensor_v2')
      .emptyTuple()
      .reduce()
      .stop()
      .bytes();
    expect((await scan(bytes, 'model.pt')).verdict).toBe('clean');
    const npy = Buffer.concat([npyHeader("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"), bytes]);
    expect((await scan(npy, 'a.npy')).verdict).toBe('suspicious');
  });
});

describe('pickle: malformed, expansion and limits', () => {
  it('TUPLE without MARK is inconclusive, never clean', async () => {
    expect((await scan(Buffer.from([0x80, 0x04, 0x74, 0x2e]))).verdict).toBe('inconclusive');
  });

  it('GET of a key never PUT is reported and does not crash', async () => {
    const r = await scan(new P().proto(4).binget(7).stop().bytes());
    expect(rules(r)).toContain('PICKLE-MALFORMED');
  });

  it('billion laughs through the memo is an expansion', async () => {
    const p = new P().proto(4).sbu('lol').binput(0);
    for (let level = 0; level < 12; level++)
      p.mark()
        .binget(level)
        .binget(level)
        .binget(level)
        .binget(level)
        .list()
        .binput(level + 1);
    const r = await scan(p.stop().bytes());
    expect(rules(r)).toContain('PICKLE-EXPANSION');
  });

  it('DUP of containers is flagged; a cyclic list is not an error', async () => {
    const dup = new P()
      .proto(4)
      .mark()
      .mark()
      .sbu('lol')
      .dup()
      .dup()
      .list()
      .dup()
      .dup()
      .list()
      .stop()
      .bytes();
    expect(rules(await scan(dup))).toContain('PICKLE-EXPANSION');
    const cyclic = new P().proto(2).emptyList().binput(0).binget(0).append().stop().bytes();
    expect((await scan(cyclic)).verdict).toBe('clean');
  });

  it('caps on opcodes, memo and stack turn into inconclusive', async () => {
    const many = new P().proto(4);
    for (let i = 0; i < 200; i++) many.none().pop();
    expect((await scan(many.none().stop().bytes(), 'x.pkl', { maxOpcodes: 100 })).verdict).toBe(
      'inconclusive',
    );
    const memo = new P().proto(4).none();
    for (let i = 0; i < 50; i++) memo.binput(i);
    expect((await scan(memo.stop().bytes(), 'x.pkl', { maxMemo: 10 })).verdict).toBe('inconclusive');
    const deep = new P().proto(4);
    for (let i = 0; i < 100; i++) deep.none();
    expect((await scan(deep.stop().bytes(), 'x.pkl', { maxStackDepth: 50 })).verdict).toBe('inconclusive');
  });

  it('EXT opcodes are flagged', async () => {
    expect(rules(await scan(Buffer.from([0x80, 0x02, 0x82, 0x01, 0x29, 0x52, 0x2e])))).toContain(
      'PICKLE-EXTENSION-REGISTRY',
    );
  });
});

function npyHeader(dict: string): Buffer {
  const len = 128 - 10;
  const text = dict.padEnd(len - 1, ' ') + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(text.length, 8);
  return Buffer.concat([head, Buffer.from(text, 'latin1')]);
}

export { npyHeader };
