/**
 * Compressed wrappers (.joblib.gz, .pkl.xz …) and tar archives (legacy torch ≤0.1.10 saved a tar of
 * pickles). gzip is decoded with node:zlib under the decompression cap; formats without a decoder
 * here are inconclusive, never clean.
 */
import { gunzipSync } from 'node:zlib';
import { finding, memberPath, type ScanContext } from '../scan-context.js';
import { memorySource, type ByteSource } from '../source.js';

type Inner = (src: ByteSource, member: string) => Promise<string>;

const DECOMPRESS: Record<string, string> = { bzip2: 'bunzip2 -k', xz: 'unxz -k', zstd: 'unzstd' };

export async function scanCompressed(
  src: ByteSource,
  member: string | undefined,
  ctx: ScanContext,
  format: string,
  fileName: string,
  inner: Inner,
): Promise<void> {
  const where = member ?? fileName;
  if (format !== 'gzip') {
    ctx.sink.unscannable(
      `${where}: ${format} stream — no ${format} decoder here, its content was not scanned (decompress it, e.g. ${DECOMPRESS[format] ?? 'with its tool'}, and audit the result)`,
    );
    return;
  }
  if (ctx.depth > ctx.limits.maxNestingDepth)
    return ctx.sink.unscannable(
      `${where}: compressed layers nested deeper than ${ctx.limits.maxNestingDepth}`,
    );
  if (src.size > ctx.limits.maxMemberBytes) return ctx.sink.unscannable(`${where}: over the size limit`);
  const room = Math.max(
    1,
    Math.min(ctx.limits.maxMemberBytes, ctx.limits.maxDecompressedBytes - ctx.inflated.bytes),
  );
  let bytes: Uint8Array;
  try {
    bytes = gunzipSync(await src.read(0, src.size), { maxOutputLength: room });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      ctx.sink.add(finding('COMPRESSION-BOMB', 'high', `gzip stream inflates past ${room} bytes`, member));
      return ctx.sink.unscannable(`${where}: decompressed size over the limit`);
    }
    return ctx.sink.unscannable(`${where}: corrupt gzip stream (${(error as Error).message})`);
  }
  ctx.inflated.bytes += bytes.length;
  if (src.size > 0 && bytes.length > 1024 * 1024 && bytes.length / src.size > ctx.limits.maxRatio)
    ctx.sink.add(
      finding('COMPRESSION-BOMB', 'high', `gzip ratio ${Math.round(bytes.length / src.size)}:1`, member),
    );
  const name = fileName.replace(/\.(gz|gzip|tgz)$/i, '') || 'content';
  const format2 = await inner(memorySource(bytes), memberPath(member, `${name}(gunzip)`));
  if (format2 === 'unknown')
    ctx.sink.unscannable(`${where}: decompressed content is not a format audit can read`);
}

/** ustar/GNU tar: 512-byte headers; every regular member is scanned by content. */
export async function scanTar(
  src: ByteSource,
  member: string | undefined,
  ctx: ScanContext,
  inner: Inner,
): Promise<void> {
  let offset = 0;
  let count = 0;
  while (offset + 512 <= src.size && count < 100_000) {
    const header = Buffer.from(await src.read(offset, 512));
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
    const full = prefix ? `${prefix}/${name}` : name;
    const size = parseInt(
      header.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0',
      8,
    );
    const type = String.fromCharCode(header[156]!);
    if (!Number.isSafeInteger(size) || size < 0) {
      ctx.sink.unscannable(`${member ?? 'tar'}: corrupt header for ${full}`);
      return;
    }
    const path = memberPath(member, full);
    const normalized = full.replaceAll('\\', '/');
    if (normalized.startsWith('/') || normalized.split('/').includes('..'))
      ctx.sink.add(
        finding(
          'TAR-PATH-TRAVERSAL',
          'high',
          `member ${JSON.stringify(full)} escapes the extraction directory`,
          path,
          offset,
        ),
      );
    if (type === '1' || type === '2')
      ctx.sink.add(
        finding('TAR-LINK', 'high', `member is a ${type === '2' ? 'symbolic' : 'hard'} link`, path, offset),
      );
    if ((type === '0' || type === '\0') && size > 0) {
      if (size > ctx.limits.maxMemberBytes) ctx.sink.unscannable(`${path}: over the size limit`);
      else await inner(memorySource(await src.read(offset + 512, size)), path);
    }
    offset += 512 + Math.ceil(size / 512) * 512;
    count++;
  }
  if (count === 0) ctx.sink.unscannable(`${member ?? 'tar'}: no tar members`);
}
