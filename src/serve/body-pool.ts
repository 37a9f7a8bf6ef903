import { BufferPool } from '../platform/buffer-pool.js';

/**
 * Reusable buffers for the tensor data of request bodies. A binary infer request of 64 rows × 256
 * floats carries 64 KiB; a fresh buffer per request is memory outside the JavaScript heap that V8
 * counts towards its next collection, so at a thousand requests a second the allocations alone
 * keep the garbage collector busy. Buffers go back to the pool once their answer is written: by
 * then onnxruntime has run on them (a session on this thread reads them in place; a worker
 * session gets its own copy when the request is posted; batches are concatenated copies).
 *
 * Each buffer is exactly the size asked for and owns its whole memory (offset 0, so aligned for
 * any element type, and posted to a worker thread without first being copied out of a larger
 * buffer). Clients of one model send the same few sizes, so buffers are kept per exact size, at
 * most `maxPooledBytes` in all; sizes under 16 KiB are not pooled.
 */
export class BodyPool {
  /** Smaller buffers are allocated each time, not kept. */
  static readonly MIN_POOLED = 16 * 1024;
  private readonly pool: BufferPool;
  private readonly owned = new WeakSet<ArrayBuffer>();

  constructor(maxPooledBytes = 32 * 1024 * 1024) {
    this.pool = new BufferPool(maxPooledBytes, BodyPool.MIN_POOLED);
  }

  /** A buffer of exactly `size` bytes over memory of its own; its contents are undefined. */
  acquire(size: number): Buffer {
    const memory = this.pool.acquire(size);
    if (size >= BodyPool.MIN_POOLED) this.owned.add(memory);
    return Buffer.from(memory);
  }

  /** Gives a buffer from {@link acquire} back; nothing may read or write it afterwards. */
  release(body: Buffer | undefined): void {
    const memory = body?.buffer as ArrayBuffer | undefined;
    if (memory && this.owned.has(memory)) this.pool.release(memory);
  }
}
