/** Random-access bytes: a file read on demand (a 2 GB torch zip is never read whole) or memory. */
import { open, type FileHandle } from 'node:fs/promises';

export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes at `offset` (fewer at the end). */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) =>
      bytes.subarray(Math.max(0, offset), Math.max(0, Math.min(bytes.length, offset + length))),
    close: async () => {},
  };
}

export async function fileSource(path: string): Promise<ByteSource> {
  const handle: FileHandle = await open(path, 'r');
  const size = (await handle.stat()).size;
  return {
    size,
    read: async (offset, length) => {
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = Buffer.allocUnsafe(n);
      let done = 0;
      while (done < n) {
        const { bytesRead } = await handle.read(buf, done, n - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buf.subarray(0, done);
    },
    close: () => handle.close(),
  };
}
