// The bypass classes the issue names, each on its own sample: pickles written by CPython's own
// pickle module (/usr/bin/python3; dumped only, never loaded) for protocols 0–5, and hand-written
// streams for the tricks CPython never emits (memo overwrites, decoys, embedded containers).
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { scanBytes } from '../../../src/core/audit/scan-file.js';
import type { FileReport } from '../../../src/core/audit/types.js';
import { benignPickle, callPickle, makeZip, P } from './pickle-writer.js';

const globals = (r: FileReport) => r.findings.map((f) => f.global).filter(Boolean);

/** CPython pickles of a payload object and of benign data, for every protocol. */
const cpython = (() => {
  const code = `
import collections, json, os, pickle
class Payload:
    def __reduce__(self):
        return (os.system, ('id',))
benign = {'weights': [1, 2.5, None, True], 'name': 'm', 'meta': collections.OrderedDict(a=1), 'blob': b'x' * 70000}
out = {}
for p in range(6):
    out[f'evil{p}'] = pickle.dumps({'model': [1, 2], 'x': Payload()}, protocol=p).hex()
    out[f'benign{p}'] = pickle.dumps(benign, protocol=p).hex()
print(json.dumps(out))`;
  const out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8' })) as Record<
    string,
    string
  >;
  return (key: string) => Buffer.from(out[key]!, 'hex');
})();

describe('CPython pickles, protocols 0–5', () => {
  it.each([0, 1, 2, 3, 4, 5])('protocol %i: the payload is found, the benign dump is clean', async (p) => {
    const evil = await scanBytes(cpython(`evil${p}`), 'model.pkl');
    expect(evil.verdict).toBe('malicious');
    expect(globals(evil)).toContain('posix.system'); // os.system pickles as posix.system on Linux
    const benign = await scanBytes(cpython(`benign${p}`), 'model.pkl');
    expect(benign).toMatchObject({ verdict: 'clean', findings: [], unscanned: [] });
  });

  it('protocol 4/5 output is framed (FRAME opcodes) and still read through', () => {
    expect(cpython('benign4').includes(0x95)).toBe(true);
  });

  it('several pickles in one stream: the payload in the third of three', async () => {
    const r = await scanBytes(
      Buffer.concat([cpython('benign2'), cpython('benign4'), cpython('evil5')]),
      'x.pkl',
    );
    expect(r.verdict).toBe('malicious');
    expect(r.findings.find((f) => f.global === 'posix.system')!.member).toBe('#pickle3');
  });
});

describe('memo tricks', () => {
  it('a memo slot overwritten after a decoy resolves to the last PUT', async () => {
    const bytes = new P()
      .proto(4)
      .sbu('torch')
      .binput(0)
      .sbu('os')
      .binput(0) // overwrites slot 0: GET 0 is now 'os'
      .pop()
      .pop()
      .binget(0)
      .sbu('system')
      .stackGlobal()
      .sbu('id')
      .tuple1()
      .reduce()
      .stop()
      .bytes();
    const r = await scanBytes(bytes, 'x.pkl');
    expect(globals(r)).toEqual(['os.system']);
  });

  it('MEMOIZE (protocol 4) numbering is followed, not guessed', async () => {
    const bytes = new P()
      .proto(4)
      .sbu('builtins')
      .memoize() // 0
      .sbu('exec')
      .memoize() // 1
      .pop()
      .pop()
      .raw(0x68, 0) // BINGET 0
      .raw(0x68, 1) // BINGET 1
      .stackGlobal()
      .stop()
      .bytes();
    expect(globals(await scanBytes(bytes, 'x.pkl'))).toEqual(['builtins.exec']);
  });
});

describe('nested pickles in byte constants, within a budget that is never silent', () => {
  const loadFromBytes = (payload: Uint8Array) =>
    new P().proto(2).global('torch.storage', '_load_from_bytes').binbytes(payload).tuple1().reduce();

  it('a protocol 0 pickle (no PROTO header) in a constant is found', async () => {
    const inner = Buffer.from("cos\nsystem\n(S'id'\ntR.", 'latin1');
    const r = await scanBytes(loadFromBytes(inner).stop().bytes(), 'model.pt');
    expect(r.verdict).toBe('malicious');
    expect(r.findings.map((f) => f.rule)).toContain('PICKLE-NESTED');
  });

  it('decoys that use up the budget make the file inconclusive, not clean', async () => {
    const p = new P().proto(2).emptyList();
    for (let i = 0; i < 5; i++) p.binbytes(benignPickle()).append();
    p.pop();
    // Five decoy nested pickles, then torch.storage._load_from_bytes(<os.system pickle>).
    const sample = Buffer.concat([
      p.bytes(),
      loadFromBytes(callPickle('os', 'system')).pop().none().stop().bytes(),
    ]);
    const tight = await scanBytes(sample, 'model.pt', { limits: { maxNestedPickles: 5 } });
    expect(tight.verdict).toBe('inconclusive');
    expect(tight.unscanned.join()).toMatch(/budget of 5 nested pickles is used up/);
    expect((await scanBytes(sample, 'model.pt')).verdict).toBe('malicious');
  });

  it('text constants that merely look like protocol-0 pickles do not spend the budget', async () => {
    const p = new P().proto(2).emptyList();
    for (let i = 0; i < 200; i++) p.binunicode(`Some docstring number ${i}.`).append();
    const r = await scanBytes(p.stop().bytes(), 'model.pkl', { limits: { maxNestedPickles: 2 } });
    expect(r).toMatchObject({ verdict: 'clean', unscanned: [] });
  });

  it('pickles nested deeper than the cap are reported as not scanned', async () => {
    let inner: Buffer = callPickle('os', 'system');
    for (let i = 0; i < 4; i++) inner = new P().proto(4).binbytes(inner).stop().bytes();
    const r = await scanBytes(inner, 'x.pkl', { limits: { maxNestingDepth: 2 } });
    expect(r.verdict).toBe('inconclusive');
    expect(r.unscanned.join()).toMatch(/nested deeper than 2/);
    expect((await scanBytes(inner, 'x.pkl', { limits: { maxNestingDepth: 5 } })).verdict).toBe('malicious');
  });

  it('a torch zip or a gzip stream inside a bytes constant is scanned as a file', async () => {
    const zip = makeZip([{ name: 'archive/data.pkl', data: callPickle('subprocess', 'Popen') }]);
    const viaZip = await scanBytes(loadFromBytes(zip).stop().bytes(), 'model.pt');
    expect(viaZip.verdict).toBe('malicious');
    expect(viaZip.findings.find((f) => f.global === 'subprocess.Popen')!.member).toMatch(
      /^!embedded@\d+!archive\/data\.pkl$/,
    );
    const viaGzip = await scanBytes(
      loadFromBytes(gzipSync(callPickle('os', 'system')))
        .stop()
        .bytes(),
      'model.pt',
    );
    expect(viaGzip.verdict).toBe('malicious');
    const benign = makeZip([{ name: 'archive/data.pkl', data: benignPickle() }]);
    expect((await scanBytes(loadFromBytes(benign).stop().bytes(), 'model.pt')).verdict).toBe('clean');
  });
});
