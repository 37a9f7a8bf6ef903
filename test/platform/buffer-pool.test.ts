import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/platform/buffer-pool.js';

describe('BufferPool', () => {
  it('gives back memory of the exact size that was released, each buffer once', () => {
    const pool = new BufferPool(1024 * 1024, 1024);
    const a = pool.acquire(4096);
    const b = pool.acquire(4096);
    expect(a.byteLength).toBe(4096);
    expect(a).not.toBe(b);
    pool.release(a);
    pool.release(a); // twice: still kept once
    expect(pool.acquire(8192)).not.toBe(a); // another size
    expect(pool.acquire(4096)).toBe(a);
    expect(pool.acquire(4096)).not.toBe(a);
  });

  it('keeps nothing below the minimum size or beyond the byte budget', () => {
    const pool = new BufferPool(10_000, 1024);
    const small = pool.acquire(512);
    pool.release(small);
    expect(pool.acquire(512)).not.toBe(small);
    const kept = [pool.acquire(4096), pool.acquire(4096), pool.acquire(4096)];
    kept.forEach((buffer) => pool.release(buffer)); // the third would pass 10,000 bytes
    const again = [pool.acquire(4096), pool.acquire(4096), pool.acquire(4096)];
    expect(again.filter((buffer) => kept.includes(buffer))).toHaveLength(2);
  });
});
