import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import { UsageError } from '../../core/errors.js';

/** Sequential bytes of an array's data: a range of a file, or a deflated zip member as it inflates. */
export interface ByteSource {
  /** Copies the next `length` bytes into `target` at `offset`. */
  read(target: Uint8Array, offset: number, length: number): Promise<void>;
  /** Moves past the next `length` bytes. */
  skip(length: number): Promise<void>;
  close(): Promise<void>;
}

/** Reads at least this long skip the buffer. */
const DIRECT_READ_BYTES = 1 << 16;

/**
 * A byte range of a file, read through a small buffer so that row-sized reads do not each cost a
 * system call; skips past the buffer move the position without reading. Owns (closes) the handle.
 */
export class FileRangeSource implements ByteSource {
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(
    private readonly handle: FileHandle,
    private position: number,
    private readonly end: number,
    private readonly where: string,
    private readonly chunkSize = 1 << 20,
  ) {}

  async read(target: Uint8Array, offset: number, length: number): Promise<void> {
    let done = 0;
    while (done < length) {
      if (this.offset === this.buffer.length) {
        const wanted = length - done;
        if (wanted >= Math.min(DIRECT_READ_BYTES, this.chunkSize)) {
          // Large reads (a batch of an array) go straight into the target: no copy through the buffer.
          await this.readAt(target, offset + done, wanted);
          return;
        }
        await this.refill();
      }
      const n = Math.min(length - done, this.buffer.length - this.offset);
      target.set(this.buffer.subarray(this.offset, this.offset + n), offset + done);
      this.offset += n;
      done += n;
    }
  }

  async skip(length: number): Promise<void> {
    const buffered = this.buffer.length - this.offset;
    if (length <= buffered) {
      this.offset += length;
      return;
    }
    this.position += length - buffered;
    this.offset = this.buffer.length;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private async refill(): Promise<void> {
    const size = Math.min(this.chunkSize, this.end - this.position);
    if (size <= 0) throw truncated(this.where);
    if (this.buffer.length !== size) this.buffer = Buffer.allocUnsafe(size);
    await this.readAt(this.buffer, 0, size);
    this.offset = 0;
  }

  private async readAt(target: Uint8Array, offset: number, length: number): Promise<void> {
    if (this.position + length > this.end) throw truncated(this.where);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(target, offset + done, length - done, this.position);
      if (bytesRead === 0) throw truncated(this.where);
      done += bytesRead;
      this.position += bytesRead;
    }
  }
}

/**
 * A deflated zip member, inflated as it is read. Inflating stops with a UsageError once the output
 * passes `maxBytes` (the member's declared size), so a zip bomb costs at most that much work.
 */
export class InflateSource implements ByteSource {
  private readonly chunks: AsyncIterator<Buffer>;
  private readonly close_: () => void;
  private chunk: Buffer = Buffer.alloc(0);
  private offset = 0;
  private produced = 0;

  constructor(
    path: string,
    start: number,
    compressedBytes: number,
    private readonly maxBytes: number,
    private readonly where: string,
  ) {
    const input = createReadStream(path, { start, end: start + compressedBytes - 1, highWaterMark: 1 << 16 });
    const inflate = createInflateRaw({ chunkSize: 1 << 16 });
    input.on('error', (error) => inflate.destroy(error));
    input.pipe(inflate);
    this.chunks = inflate[Symbol.asyncIterator]();
    this.close_ = () => {
      input.destroy();
      inflate.destroy();
    };
  }

  async read(target: Uint8Array, offset: number, length: number): Promise<void> {
    let done = 0;
    while (done < length) {
      if (this.offset === this.chunk.length) await this.next();
      const n = Math.min(length - done, this.chunk.length - this.offset);
      target.set(this.chunk.subarray(this.offset, this.offset + n), offset + done);
      this.offset += n;
      done += n;
    }
  }

  async skip(length: number): Promise<void> {
    let left = length;
    while (left > 0) {
      if (this.offset === this.chunk.length) await this.next();
      const n = Math.min(left, this.chunk.length - this.offset);
      this.offset += n;
      left -= n;
    }
  }

  async close(): Promise<void> {
    this.close_();
  }

  private async next(): Promise<void> {
    let result: IteratorResult<Buffer>;
    try {
      result = await this.chunks.next();
    } catch (error) {
      throw new UsageError(`${this.where} does not inflate (${(error as Error).message})`, {
        fix: 'the zip is corrupt; write it again with numpy.savez or numpy.savez_compressed',
        cause: error,
      });
    }
    if (result.done) throw truncated(this.where);
    this.produced += result.value.length;
    if (this.produced > this.maxBytes) {
      throw new UsageError(`${this.where} inflates past its declared size of ${this.maxBytes} bytes`, {
        fix: 'the zip is corrupt or a zip bomb; write it again with numpy.savez_compressed',
      });
    }
    this.chunk = result.value;
    this.offset = 0;
  }
}

function truncated(where: string): UsageError {
  return new UsageError(`${where} ends before the data its header declares`, {
    fix: 'the file is truncated; write it again with numpy.save / numpy.savez',
  });
}
