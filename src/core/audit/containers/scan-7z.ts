/**
 * 7z: there is no LZMA decoder here, so the (usually LZMA-compressed) header cannot be read and
 * the file stays inconclusive. What we can read are LZMA2 *uncompressed* chunks in the packed
 * stream, which 7-Zip writes for data that does not compress (small pickles); those bytes are
 * scanned, so a payload stored that way is still found.
 */
import { memberPath, type ScanContext } from '../scan-context.js';
import { memorySource, type ByteSource } from '../source.js';

type Inner = (src: ByteSource, member: string) => Promise<string>;

export async function scan7z(
  src: ByteSource,
  member: string | undefined,
  ctx: ScanContext,
  inner: Inner,
): Promise<void> {
  const where = member ?? '7z';
  ctx.sink.unscannable(
    `${where}: 7z archive — no LZMA decoder here, so its header and compressed members were not scanned`,
  );
  const head = await src.read(0, 32);
  if (head.length < 32) return;
  const nextHeaderOffset = Number(new DataView(head.buffer, head.byteOffset, 32).getBigUint64(12, true));
  const packedEnd = Math.min(src.size, 32 + nextHeaderOffset);
  if (packedEnd - 32 > ctx.limits.maxMemberBytes) return;
  const packed = await src.read(32, packedEnd - 32);
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
