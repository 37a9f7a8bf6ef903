/**
 * Reusable memory for batch-sized buffers. A fresh buffer is memory the kernel has to map and zero
 * page by page on first touch: for a stream of 256 KiB batches that is one page fault per 4 KiB
 * read, more CPU than the copy itself. Buffers handed back are kept per exact size (a stream asks
 * for the same few sizes), at most `maxPooledBytes` in all; sizes under `minPooledBytes` are not
 * worth keeping.
 *
 * Whoever hands a buffer back gives up every view of it: the pool will give it to someone else.
 */
export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private pooledBytes = 0;

  constructor(
    private readonly maxPooledBytes = 64 * 1024 * 1024,
    readonly minPooledBytes = 16 * 1024,
  ) {}

  /** A buffer of exactly `size` bytes (contents undefined), from the pool when one is free. */
  acquire(size: number): ArrayBuffer {
    const kept = size >= this.minPooledBytes ? this.free.get(size)?.pop() : undefined;
    if (kept) {
      this.pooledBytes -= size;
      return kept;
    }
    // Not zero-filled: callers overwrite every byte they use.
    return Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer;
  }

  /** Takes a buffer back for reuse (ignored when too small, detached, already kept, or the pool is full). */
  release(buffer: ArrayBuffer): void {
    const size = buffer.byteLength;
    if (size < this.minPooledBytes || this.pooledBytes + size > this.maxPooledBytes) return;
    const list = this.free.get(size) ?? [];
    if (list.includes(buffer)) return;
    list.push(buffer);
    this.free.set(size, list);
    this.pooledBytes += size;
  }
}
