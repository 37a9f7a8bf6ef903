/**
 * Reusable buffers for request bodies. A binary infer request of 64 rows × 256 floats is 64 KiB;
 * a fresh buffer per request is memory outside the JavaScript heap that V8 counts towards its
 * next collection, so at a thousand requests a second the allocations alone keep the garbage
 * collector busy. Bodies go back to the pool once their answer is written: by then onnxruntime has
 * run on them (a session on this thread reads them in place; a worker session gets its own copy
 * when the request is posted, and batches are concatenated copies).
 *
 * Buffers come in power-of-two sizes from 16 KiB; at most `maxPooledBytes` are kept, the rest are
 * left to the garbage collector. Smaller bodies are not pooled (Node's own slab serves them).
 */
export class BodyPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private pooledBytes = 0;
  private readonly owned = new WeakSet<ArrayBuffer>();

  constructor(private readonly maxPooledBytes = 32 * 1024 * 1024) {}

  /**
   * A buffer of `size` bytes (contents undefined) that starts `pad` bytes into its memory, so a
   * caller can place a later offset on an 8-byte boundary.
   */
  acquire(size: number, pad: number): Buffer {
    const needed = size + pad;
    if (needed < MIN_POOLED) return Buffer.allocUnsafeSlow(needed).subarray(pad);
    const capacity = 2 ** Math.ceil(Math.log2(needed));
    const memory = this.free.get(capacity)?.pop();
    if (memory) {
      this.pooledBytes -= capacity;
      return Buffer.from(memory, pad, size);
    }
    const fresh = new ArrayBuffer(capacity);
    this.owned.add(fresh);
    return Buffer.from(fresh, pad, size);
  }

  /** Gives a body from {@link acquire} back; nothing may read or write it afterwards. */
  release(body: Buffer): void {
    const memory = body.buffer as ArrayBuffer;
    if (!this.owned.has(memory) || this.pooledBytes + memory.byteLength > this.maxPooledBytes) return;
    const list = this.free.get(memory.byteLength) ?? [];
    if (list.includes(memory)) return;
    list.push(memory);
    this.free.set(memory.byteLength, list);
    this.pooledBytes += memory.byteLength;
  }
}

const MIN_POOLED = 16 * 1024;
