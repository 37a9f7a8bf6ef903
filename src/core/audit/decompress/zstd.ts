/**
 * Zstandard through fzstd (a small pure-JS decoder), kept on a leash: the frame and block headers
 * are walked here first, so a truncated stream, a dictionary frame or a window larger than the
 * output cap is refused before fzstd allocates anything; fzstd then hands over one block (at most
 * 128 KiB) at a time, and every block is counted against the caps. Windows over 128 MiB are
 * refused as the zstd tool refuses them without --long/--memory; a declared content size over the
 * output cap is a bomb before a byte is decoded. The XXH64 content checksum is not verified.
 */
import { Decompress } from 'fzstd';
import { BoundedOutput, DecompressError, type DecompressCaps } from './bounded.js';

const FRAME_MAGIC = 0xfd2fb528;
/** zstd's own default decoder limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT = 27). */
const MAX_WINDOW = 2 ** 27;

function truncated(what: string): never {
  throw new DecompressError('truncated', `zstd stream ends inside ${what}`);
}

function u32le(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** One frame's extent, after checking what fzstd would otherwise trust. */
function walkFrame(input: Uint8Array, start: number, room: number): number {
  if (start + 6 > input.length) truncated('a frame header');
  const descriptor = input[start + 4]!;
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  if (descriptor & 0x08) throw new DecompressError('corrupt', 'zstd frame header reserved bit set');
  const checksum = (descriptor >> 2) & 1;
  const dictBytes = [0, 1, 2, 4][descriptor & 3]!;
  let at = start + 5;
  let window = 0;
  if (!singleSegment) {
    const w = input[at++]!;
    const base = 2 ** (10 + (w >> 3));
    window = base + (base / 8) * (w & 7);
  }
  if (at + dictBytes > input.length) truncated('a frame header');
  let dictId = 0;
  for (let i = 0; i < dictBytes; i++) dictId += input[at + i]! * 2 ** (8 * i);
  at += dictBytes;
  if (dictId !== 0)
    throw new DecompressError(
      'unsupported',
      `zstd frame needs dictionary ${dictId}, which is not in the file`,
    );
  const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  if (at + fcsBytes > input.length) truncated('a frame header');
  let contentSize = 0;
  for (let i = 0; i < fcsBytes; i++) contentSize += input[at + i]! * 2 ** (8 * i);
  if (fcsBytes === 2) contentSize += 256;
  at += fcsBytes;
  if (singleSegment) window = contentSize;
  if ((singleSegment || fcsFlag !== 0) && contentSize > room)
    throw new DecompressError('limit', `zstd frame declares ${contentSize} bytes, over the output cap`);
  if (window > MAX_WINDOW)
    throw new DecompressError(
      'unsupported',
      `zstd frame window of ${window} bytes (over 128 MiB; zstd itself needs --long or --memory for it)`,
    );
  for (;;) {
    if (at + 3 > input.length) truncated('a block header');
    const header = input[at]! | (input[at + 1]! << 8) | (input[at + 2]! << 16);
    at += 3;
    const type = (header >> 1) & 3;
    const size = header >> 3;
    if (type === 3) throw new DecompressError('corrupt', 'zstd reserved block type');
    at += type === 1 ? 1 : size;
    if (at > input.length) truncated('a block');
    if (header & 1) break;
  }
  at += checksum * 4;
  if (at > input.length) truncated('the frame checksum');
  return at;
}

export function decodeZstd(input: Uint8Array, caps: DecompressCaps): Uint8Array {
  const out = new BoundedOutput(caps);
  let pos = 0;
  while (pos < input.length) {
    if (pos + 8 > input.length) truncated('a frame magic');
    const magic = u32le(input, pos);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      const end = pos + 8 + u32le(input, pos + 4);
      if (end > input.length) truncated('a skippable frame');
      pos = end;
      continue;
    }
    if (magic !== FRAME_MAGIC)
      throw new DecompressError(
        'corrupt',
        pos === 0 ? 'not a zstd frame' : `${input.length - pos} byte(s) after the last zstd frame`,
      );
    const end = walkFrame(input, pos, caps.maxOutput - out.length);
    const decoder = new Decompress((block) => out.append(block));
    try {
      decoder.push(input.subarray(pos, end), true);
    } catch (error) {
      if (error instanceof DecompressError) throw error;
      throw new DecompressError('corrupt', `zstd: ${(error as Error).message}`);
    }
    pos = end;
  }
  return out.bytes();
}
