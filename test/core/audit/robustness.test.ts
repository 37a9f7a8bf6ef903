// Property tests (fast-check, fixed seeds so failures reproduce): random and mutated inputs never
// make the scanner throw or hang (vitest's timeout is the hang detector; no timing assertions),
// always get a verdict, and are never clean when they cannot be parsed — with CPython's
// pickletools as the judge of "cannot be parsed" for random opcode streams.
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanBytes } from '../../../src/core/audit/scan-file.js';
import { decodeBzip2 } from '../../../src/core/audit/decompress/bzip2.js';
import { decodeXz } from '../../../src/core/audit/decompress/xz.js';
import { decodeZstd } from '../../../src/core/audit/decompress/zstd.js';
import { DecompressError } from '../../../src/core/audit/decompress/bounded.js';
import { benignPickle, callPickle, makeZip, P } from './pickle-writer.js';

const VERDICTS = ['clean', 'suspicious', 'malicious', 'inconclusive'];
const tool = (cmd: string, args: string[], input: Uint8Array) => execFileSync(cmd, args, { input });
const evil = callPickle('os', 'system');

const SEEDS: Record<string, Buffer> = {
  evilPickle: evil,
  benignPickle: benignPickle(),
  framed: new P().proto(4).frame(6).sbu('a').sbu('b').stackGlobal().stop().bytes(),
  torchZip: makeZip([
    { name: 'archive/data.pkl', data: benignPickle() },
    { name: 'archive/data/0', data: Buffer.alloc(64, 1) },
  ]),
  npz: makeZip([
    {
      name: 'a.npy',
      data: Buffer.from('\x93NUMPY\x01\x00\x16\x00{"descr": "|O"}     \n', 'latin1'),
      deflate: true,
    },
  ]),
  gz: gzipSync(evil),
  bz2: tool('bzip2', ['-c'], evil),
  xz: tool('xz', ['-c'], evil),
  zst: tool('zstd', ['-q', '-c'], evil),
};

/** A list of byte edits: overwrite, insert, delete, truncate. */
const edits = fc.array(
  fc.record({
    kind: fc.constantFrom('set', 'insert', 'delete', 'cut'),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  { minLength: 1, maxLength: 4 },
);

function mutate(seed: Uint8Array, list: { kind: string; at: number; byte: number }[]): Buffer {
  let b = Buffer.from(seed);
  for (const e of list) {
    if (b.length === 0) break;
    const at = e.at % b.length;
    if (e.kind === 'set') b[at] = e.byte === b[at] ? e.byte ^ 1 : e.byte;
    else if (e.kind === 'insert')
      b = Buffer.concat([b.subarray(0, at), Buffer.from([e.byte]), b.subarray(at)]);
    else if (e.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
    else b = b.subarray(0, at);
  }
  return b;
}

describe('robustness (fast-check)', () => {
  it('random bytes: a verdict, no throw, never clean unless a real format was read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        const r = await scanBytes(bytes, 'junk.bin', { limits: { maxMillis: 5000 } });
        expect(VERDICTS).toContain(r.verdict);
        if (r.verdict === 'clean') expect(r.format).not.toBe('unknown');
      }),
      { numRuns: 500, seed: 7 },
    );
  }, 120_000);

  it('mutated samples of every container: a verdict, no throw', async () => {
    const names = Object.keys(SEEDS);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), edits, async (name, list) => {
        const r = await scanBytes(mutate(SEEDS[name]!, list), `x.${name}`, { limits: { maxMillis: 5000 } });
        expect(VERDICTS).toContain(r.verdict);
      }),
      { numRuns: 1500, seed: 20240601 },
    );
  }, 180_000);

  it('a mutated CRC-protected stream (gzip, bzip2, xz) of a payload is never clean or merely suspicious', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('gz', 'bz2', 'xz'), edits, async (name, list) => {
        const bytes = mutate(SEEDS[name]!, list);
        const r = await scanBytes(bytes, `model.pkl.${name}`);
        expect(['malicious', 'inconclusive'], `${name} ${bytes.toString('hex')}`).toContain(r.verdict);
      }),
      { numRuns: 600, seed: 99 },
    );
  }, 120_000);

  it('every proper prefix of a compressed stream is inconclusive', async () => {
    for (const name of ['gz', 'bz2', 'xz', 'zst']) {
      const whole = SEEDS[name]!;
      for (let cut = 1; cut < whole.length; cut++) {
        const r = await scanBytes(whole.subarray(0, cut), `model.pkl.${name}`);
        expect(r.verdict, `${name} cut at ${cut}`).toBe('inconclusive');
      }
    }
  }, 120_000);

  it('decoders on arbitrary input: only DecompressError, output within the cap', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('bz2', 'xz', 'zst'),
        edits,
        fc.integer({ min: 0, max: 64 }),
        (name, list, cap) => {
          const decode = name === 'bz2' ? decodeBzip2 : name === 'xz' ? decodeXz : decodeZstd;
          try {
            const out = decode(mutate(SEEDS[name]!, list), { maxOutput: cap, deadline: Date.now() + 5000 });
            expect(out.length).toBeLessThanOrEqual(cap);
          } catch (error) {
            expect(error).toBeInstanceOf(DecompressError);
          }
        },
      ),
      { numRuns: 600, seed: 3 },
    );
  });

  it('the MARK depth cap turns a MARK flood into inconclusive', async () => {
    const p = new P().proto(4);
    for (let i = 0; i < 5000; i++) p.mark();
    const r = await scanBytes(p.stop().bytes(), 'marks.pkl', { limits: { maxMarkDepth: 100 } });
    expect(r.verdict).toBe('inconclusive');
    expect(r.unscanned.join()).toMatch(/MARK|mark/);
  });

  it('a time cap ends a long scan as inconclusive', async () => {
    const p = new P().proto(4);
    for (let i = 0; i < 300_000; i++) p.raw(0x4e, 0x30);
    const r = await scanBytes(p.stop().bytes(), 'slow.pkl', { limits: { maxMillis: 0 } });
    expect(r.verdict).toBe('inconclusive');
  });
});

/** Well-formed opcodes with their arguments, strung together at random (often an invalid pickle). */
const TOKENS: number[][] = [
  [0x4e], // NONE
  [0x4b, 7], // BININT1
  [0x8c, 1, 0x61], // SHORT_BINUNICODE 'a'
  [0x43, 2, 0x68, 0x69], // SHORT_BINBYTES
  [0x28], // MARK
  [0x74], // TUPLE
  [0x6c], // LIST
  [0x64], // DICT
  [0x5d], // EMPTY_LIST
  [0x7d], // EMPTY_DICT
  [0x29], // EMPTY_TUPLE
  [0x61], // APPEND
  [0x65], // APPENDS
  [0x73], // SETITEM
  [0x75], // SETITEMS
  [0x30], // POP
  [0x31], // POP_MARK
  [0x32], // DUP
  [0x71, 0], // BINPUT 0
  [0x71, 1], // BINPUT 1
  [0x68, 0], // BINGET 0
  [0x68, 1], // BINGET 1
  [0x94], // MEMOIZE
  [0x85], // TUPLE1
  [0x86], // TUPLE2
  [0x63, ...Buffer.from('collections\nOrderedDict\n')], // GLOBAL
  [0x52], // REDUCE
  [0x62], // BUILD
  [0x2e], // STOP
];

describe('random opcode streams judged by CPython pickletools', () => {
  it('a stream pickletools rejects is never clean here', async () => {
    const samples = fc.sample(
      fc
        .array(fc.nat({ max: TOKENS.length - 1 }), { minLength: 1, maxLength: 14 })
        .map((ix) => Buffer.from([0x80, 0x04, ...ix.flatMap((i) => TOKENS[i]!), 0x2e])),
      { numRuns: 400, seed: 11 },
    );
    const verdicts = JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        [
          '-c',
          `import io, json, pickletools, sys
out = []
for h in json.load(sys.stdin):
    try:
        pickletools.dis(bytes.fromhex(h), out=io.StringIO())
        out.append('ok')
    except Exception as e:
        out.append(type(e).__name__ + ': ' + str(e))
print(json.dumps(out))`,
        ],
        { input: JSON.stringify(samples.map((s) => s.toString('hex'))), encoding: 'utf8' },
      ),
    ) as string[];
    let rejected = 0;
    for (const [i, bytes] of samples.entries()) {
      const r = await scanBytes(bytes, 'random.pkl');
      // pickletools is stricter than the unpickler on one point: Unpickler.load_stop returns the
      // top of the stack and ignores what lies below it, so that stream does load.
      if (verdicts[i] === 'ok' || verdicts[i]!.startsWith('ValueError: stack not empty after STOP')) continue;
      rejected++;
      expect(r.verdict, `${bytes.toString('hex')}: pickletools says ${verdicts[i]}`).not.toBe('clean');
    }
    expect(rejected).toBeGreaterThan(100);
  });
});
