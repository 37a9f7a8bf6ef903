import type { FileHandle } from 'node:fs/promises';
import { UsageError } from '../../core/errors.js';

/** One member of a zip file, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** A directory larger than this is not an .npz anyone wrote with numpy. */
const MAX_DIRECTORY_BYTES = 64 << 20;

/**
 * Reads a zip's central directory (ZIP64 too): the end record is found by scanning back over a
 * possible comment, then each entry's sizes and offset are read, preferring the ZIP64 extra field
 * where the 32-bit fields hold 0xFFFFFFFF.
 */
export async function readZipDirectory(handle: FileHandle, size: number, path: string): Promise<ZipEntry[]> {
  const tailLength = Math.min(size, 22 + 0xffff + 20);
  const tail = await readAt(handle, size - tailLength, tailLength, path);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt(path, 'no zip end-of-central-directory record');
  let entries = tail.readUInt16LE(eocd + 10);
  let directorySize = tail.readUInt32LE(eocd + 12);
  let directoryOffset = tail.readUInt32LE(eocd + 16);
  if (eocd >= 20 && tail.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
    const record = await readAt(handle, toNumber(tail.readBigUInt64LE(eocd - 12), path), 56, path);
    if (record.readUInt32LE(0) !== ZIP64_EOCD) throw corrupt(path, 'bad ZIP64 end record');
    entries = toNumber(record.readBigUInt64LE(32), path);
    directorySize = toNumber(record.readBigUInt64LE(40), path);
    directoryOffset = toNumber(record.readBigUInt64LE(48), path);
  }
  if (directoryOffset + directorySize > size || directorySize > MAX_DIRECTORY_BYTES) {
    throw corrupt(path, 'central directory lies outside the file');
  }
  const directory = await readAt(handle, directoryOffset, directorySize, path);
  const result: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < entries; i++) {
    if (p + 46 > directory.length || directory.readUInt32LE(p) !== CENTRAL) {
      throw corrupt(path, `central directory entry ${i} is malformed`);
    }
    const flags = directory.readUInt16LE(p + 8);
    const nameLength = directory.readUInt16LE(p + 28);
    const extraLength = directory.readUInt16LE(p + 30);
    const commentLength = directory.readUInt16LE(p + 32);
    const name = directory.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength);
    if (flags & 1) {
      throw new UsageError(`${path}: member '${name}' is encrypted`, {
        fix: 'write the archive without encryption',
      });
    }
    let uncompressedSize = directory.readUInt32LE(p + 24);
    let compressedSize = directory.readUInt32LE(p + 20);
    let localHeaderOffset = directory.readUInt32LE(p + 42);
    // ZIP64 extended information: only the fields whose 32-bit slot is saturated, in this order.
    for (let e = p + 46 + nameLength; e + 4 <= p + 46 + nameLength + extraLength;) {
      const id = directory.readUInt16LE(e);
      const length = directory.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let f = e + 4;
        if (uncompressedSize === 0xffffffff) uncompressedSize = readU64(directory, (f += 8) - 8, path);
        if (compressedSize === 0xffffffff) compressedSize = readU64(directory, (f += 8) - 8, path);
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = readU64(directory, f, path);
      }
      e += 4 + length;
    }
    result.push({
      name,
      method: directory.readUInt16LE(p + 10),
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return result;
}

/** Offset of a member's data: after its local header, whose name and extra lengths may differ from the directory's. */
export async function memberDataOffset(
  handle: FileHandle,
  entry: ZipEntry,
  size: number,
  path: string,
): Promise<number> {
  const local = await readAt(handle, entry.localHeaderOffset, 30, path);
  if (local.readUInt32LE(0) !== LOCAL) throw corrupt(path, `member '${entry.name}' has no local header`);
  const offset = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  if (offset + entry.compressedSize > size)
    throw corrupt(path, `member '${entry.name}' runs past the end of the file`);
  return offset;
}

async function readAt(handle: FileHandle, position: number, length: number, path: string): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  if (bytesRead < length) throw corrupt(path, `a record at byte ${position} runs past the end of the file`);
  return buffer;
}

function readU64(buffer: Buffer, offset: number, path: string): number {
  if (offset + 8 > buffer.length) throw corrupt(path, 'truncated ZIP64 extra field');
  return toNumber(buffer.readBigUInt64LE(offset), path);
}

function toNumber(value: bigint, path: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(path, 'a ZIP64 size is beyond 2^53');
  return Number(value);
}

function corrupt(path: string, what: string): UsageError {
  return new UsageError(`${path} is not a readable zip/.npz: ${what}`, {
    fix: 'write it again with numpy.savez or numpy.savez_compressed',
  });
}
