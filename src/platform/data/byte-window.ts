import { open, type FileHandle } from 'node:fs/promises';
import { UsageError } from '../../core/errors.js';

const NEWLINE = 10;
/** A single record (line) longer than this is not a CSV/JSONL row; stop before memory runs out. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

/**
 * A sliding window over a text file for line-oriented readers (CSV, JSONL): `buf[pos..end)` holds
 * unread bytes and `limit` is the last newline in it, so a scanner can run over complete lines
 * without bounds checks. Memory stays at one chunk plus the longest record, whatever the file size.
 * At end of file a missing final newline is added, so every record ends with '\n'.
 */
export class ByteWindow {
  buf: Buffer;
  pos = 0;
  end = 0;
  /** Index of the last '\n' in buf[pos..end), or pos - 1 when there is none. */
  limit = -1;
  eof = false;
  /** File offset of buf[0]. */
  base = 0;

  private constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    chunkSize: number,
  ) {
    this.buf = Buffer.allocUnsafe(chunkSize);
  }

  static async open(path: string, chunkSize = 1 << 20): Promise<ByteWindow> {
    return new ByteWindow(await open(path, 'r'), path, chunkSize);
  }

  /**
   * Keeps buf[pos..end) and reads more after it. Returns false at end of file with nothing new.
   * Grows the buffer when an unfinished record fills more than half of it.
   */
  async refill(): Promise<boolean> {
    if (this.eof) return false;
    const keep = this.end - this.pos;
    // An unfinished record over half the buffer: grow, so reads stay large and rescans few.
    if (keep * 2 > this.buf.length) {
      if (keep >= MAX_RECORD_BYTES) {
        throw new UsageError(
          `${this.path}: a record near byte ${this.base + this.pos} is over 256 MiB long`,
          {
            fix: 'check that rows are separated by newlines (LF or CRLF) and that every quote is closed',
          },
        );
      }
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, this.pos, this.end);
      this.buf = bigger;
    } else if (keep > 0) {
      this.buf.copyWithin(0, this.pos, this.end);
    }
    this.base += this.pos;
    this.pos = 0;
    this.end = keep;
    const { bytesRead } = await this.handle.read(this.buf, keep, this.buf.length - keep, this.base + keep);
    this.end += bytesRead;
    if (bytesRead === 0) {
      this.eof = true;
      if (this.end > 0 && this.buf[this.end - 1] !== NEWLINE) {
        if (this.end === this.buf.length) {
          const bigger = Buffer.allocUnsafe(this.buf.length + 1);
          this.buf.copy(bigger, 0, 0, this.end);
          this.buf = bigger;
        }
        this.buf[this.end++] = NEWLINE;
      }
    }
    this.limit = this.end > 0 ? this.buf.lastIndexOf(NEWLINE, this.end - 1) : -1;
    if (this.limit < this.pos) this.limit = this.pos - 1;
    return bytesRead > 0 || this.end > keep;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
