/**
 * 7z: the archive header (usually compressed itself) is not parsed here, so the file stays
 * inconclusive. What we can read is the packed stream before it: when it is LZMA2 (7-Zip's
 * default coder) it is decoded with the xz decoder's LZMA2 under the same caps, and the content
 * of the solid block is scanned; otherwise only LZMA2 *uncompressed* chunks (which 7-Zip writes
 * for data that does not compress, e.g. small pickles) are picked out and scanned.
 */
import { memberPath, type ScanContext } from '../scan-context.js';
import { memorySource, type ByteSource } from '../source.js';
import { BoundedOutput, DecompressError } from '../decompress/bounded.js';
import { Lzma2Decoder } from '../decompress/lzma2.js';

type Inner = (src: ByteSource, member: string) => Promise<string>;

export async function scan7z(
  src: ByteSource,
  member: string | undefined,
  ctx: ScanContext,
  inner: Inner,
): Promise<void> {
  const where = member ?? '7z';
  ctx.sink.unscannable(
    `${where}: 7z archive — its header is not parsed here, so member names and any non-LZMA2 coder were not read`,
  );
  const head = await src.read(0, 32);
  if (head.length < 32) return;
  const nextHeaderOffset = Number(new DataView(head.buffer, head.byteOffset, 32).getBigUint64(12, true));
  const packedEnd = Math.min(src.size, 32 + nextHeaderOffset);
  if (packedEnd - 32 > ctx.limits.maxMemberBytes) return;
  const packed = await src.read(32, packedEnd - 32);
  const decoded = decodeLzma2(packed, ctx);
  if (decoded) {
    ctx.inflated.bytes += decoded.length;
    await inner(memorySource(decoded), memberPath(member, '(7z LZMA2 stream)'));
    return;
  }
  const chunks: Uint8Array[] = [];
  let p = 0;
  while (p < packed.length) {
    const control = packed[p]!;
    if (control === 0x00 || (control !== 0x01 && control !== 0x02) || p + 3 > packed.length) break;
    const size = ((packed[p + 1]! << 8) | packed[p + 2]!) + 1;
    chunks.push(packed.subarray(p + 3, p + 3 + size));
    p += 3 + size;
  }
  if (chunks.length === 0) return;
  const data = Buffer.concat(chunks);
  await inner(memorySource(data), memberPath(member, '(7z stored data)'));
}

/** The packed stream as LZMA2, or undefined when it is not LZMA2 (or breaks a cap). */
function decodeLzma2(packed: Uint8Array, ctx: ScanContext): Uint8Array | undefined {
  const room = Math.min(ctx.limits.maxMemberBytes, ctx.limits.maxDecompressedBytes - ctx.inflated.bytes);
  const out = new BoundedOutput({ maxOutput: Math.max(0, room), deadline: ctx.deadline });
  try {
    new Lzma2Decoder(out, 2 ** 32).decode(packed, 0, packed.length);
    return out.bytes();
  } catch (error) {
    if (!(error instanceof DecompressError)) throw error;
    if (error.kind === 'limit' || error.kind === 'time')
      ctx.sink.unscannable(`7z packed stream: ${error.message}, not scanned`);
    return undefined;
  }
}
