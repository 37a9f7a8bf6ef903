// Random and mutated inputs never throw, never hang, and are never "clean" when unreadable.
// A seeded generator stands in for fast-check (not a dependency here), so failures reproduce.
import { describe, expect, it } from 'vitest';
import { scanBytes } from '../../../src/core/audit/scan-file.js';
import { benignPickle, callPickle, makeZip, P } from './pickle-writer.js';

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(bytes: Uint8Array, rand: () => number): Buffer {
  const out = Buffer.from(bytes);
  const edits = 1 + Math.floor(rand() * 4);
  let result = out;
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rand() * result.length);
    const kind = rand();
    if (kind < 0.5) result[at] = Math.floor(rand() * 256);
    else if (kind < 0.75) result = result.subarray(0, at);
    else
      result = Buffer.concat([
        result.subarray(0, at),
        Buffer.from([Math.floor(rand() * 256)]),
        result.subarray(at),
      ]);
    if (result.length === 0) break;
  }
  return result;
}

const seeds = [
  callPickle('os', 'system'),
  benignPickle(),
  new P().proto(4).frame(6).sbu('a').sbu('b').stackGlobal().stop().bytes(),
  makeZip([
    { name: 'archive/data.pkl', data: benignPickle() },
    { name: 'archive/data/0', data: Buffer.alloc(64, 1) },
  ]),
  makeZip([
    {
      name: 'a.npy',
      data: Buffer.from('\x93NUMPY\x01\x00\x16\x00{"descr": "|O"}     \n', 'latin1'),
      deflate: true,
    },
  ]),
];

describe('robustness', () => {
  it('2,000 mutated samples: no throw, a verdict every time, quick', async () => {
    const rand = prng(20240601);
    const started = Date.now();
    for (let i = 0; i < 2000; i++) {
      const seed = seeds[i % seeds.length]!;
      const bytes = mutate(seed, rand);
      const r = await scanBytes(bytes, i % 2 ? 'x.pkl' : 'x.pt', { limits: { maxMillis: 2000 } });
      expect(['clean', 'suspicious', 'malicious', 'inconclusive']).toContain(r.verdict);
    }
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('random bytes are never clean unless they are a real, complete format', async () => {
    const rand = prng(7);
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(
        Array.from({ length: 1 + Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)),
      );
      const r = await scanBytes(bytes, 'junk.bin');
      if (r.verdict === 'clean') expect(r.format).not.toBe('unknown');
    }
  });

  it('a time cap ends a long scan as inconclusive', async () => {
    const p = new P().proto(4);
    for (let i = 0; i < 300_000; i++) p.raw(0x4e, 0x30);
    const r = await scanBytes(p.stop().bytes(), 'slow.pkl', { limits: { maxMillis: 0 } });
    expect(r.verdict).toBe('inconclusive');
  });
});
