/**
 * Compressed wrappers (.joblib.gz, .pkl.bz2, .pkl.xz, .pt.zst …) and tar archives (legacy torch
 * ≤0.1.10 saved a tar of pickles). Every wrapper is decoded under three hard caps — decompressed
 * bytes (per member and per file), ratio, and the file's deadline — and its content is scanned like
 * the file itself. A stream that is truncated, corrupt or over a cap is inconclusive, never clean.
 */
import { gunzipSync } from 'node:zlib';
import { finding, memberPath, type ScanContext } from '../scan-context.js';
import { memorySource, type ByteSource } from '../source.js';
import { DecompressError, type DecompressCaps } from '../decompress/bounded.js';
import { decodeBzip2 } from '../decompress/bzip2.js';
import { decodeXz } from '../decompress/xz.js';
import { decodeZstd } from '../decompress/zstd.js';

type Inner = (src: ByteSource, member: string) => Promise<string>;

/** Output below this size is never called a bomb, whatever its ratio (zeros compress 1000:1). */
const RATIO_FLOOR = 1024 * 1024;

const DECODERS: Record<
  string,
  { decode: (input: Uint8Array, caps: DecompressCaps) => Uint8Array; tool: string; ext: RegExp }
> = {
  gzip: { decode: gunzip, tool: 'gunzip', ext: /\.(gz|gzip)$/i },
  bzip2: { decode: decodeBzip2, tool: 'bunzip2', ext: /\.(bz2|bzip2)$/i },
  xz: { decode: decodeXz, tool: 'unxz', ext: /\.xz$/i },
  zstd: { decode: decodeZstd, tool: 'unzstd', ext: /\.(zst|zstd)$/i },
};

function gunzip(input: Uint8Array, caps: DecompressCaps): Uint8Array {
  try {
    return gunzipSync(input, { maxOutputLength: Math.max(1, caps.maxOutput) });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = (error as Error).message;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      throw new DecompressError('limit', `inflates past ${caps.maxOutput} bytes`);
    if (/unexpected end/i.test(message)) throw new DecompressError('truncated', 'gzip stream is cut off');
    throw new DecompressError('corrupt', `corrupt gzip stream (${message})`);
  }
}

export async function scanCompressed(
  src: ByteSource,
  member: string | undefined,
  ctx: ScanContext,
  format: string,
  fileName: string,
  inner: Inner,
): Promise<void> {
  const where = member ?? fileName;
  const codec = DECODERS[format];
  if (!codec) return ctx.sink.unscannable(`${where}: ${format} stream — no decoder here, not scanned`);
  if (ctx.depth > ctx.limits.maxNestingDepth)
    return ctx.sink.unscannable(
      `${where}: compressed layers nested deeper than ${ctx.limits.maxNestingDepth}`,
    );
  if (src.size > ctx.limits.maxMemberBytes) return ctx.sink.unscannable(`${where}: over the size limit`);
  const room = Math.max(
    0,
    Math.min(ctx.limits.maxMemberBytes, ctx.limits.maxDecompressedBytes - ctx.inflated.bytes),
  );
  const ratioCap = Math.max(RATIO_FLOOR, ctx.limits.maxRatio * src.size);
  const caps = { maxOutput: Math.min(room, ratioCap), deadline: ctx.deadline };
  let bytes: Uint8Array;
  try {
    bytes = codec.decode(await src.read(0, src.size), caps);
  } catch (error) {
    if (!(error instanceof DecompressError)) throw error;
    if (error.kind === 'limit') {
      ctx.sink.add(
        finding(
          'COMPRESSION-BOMB',
          'high',
          ratioCap < room
            ? `${format} stream inflates past ${ctx.limits.maxRatio}:1 (${caps.maxOutput} bytes from ${src.size}); decoding stopped there`
            : `${format} stream inflates past ${caps.maxOutput} bytes, the decompression limit; decoding stopped there`,
          member,
        ),
      );
      return ctx.sink.unscannable(`${where}: decompressed size over the limit, the rest was not scanned`);
    }
    if (error.kind === 'time')
      return ctx.sink.unscannable(
        `${where}: time limit of ${ctx.limits.maxMillis} ms reached while decompressing`,
      );
    return ctx.sink.unscannable(
      `${where}: ${error.kind === 'truncated' ? 'truncated' : error.kind === 'unsupported' ? 'unsupported' : 'corrupt'} ${format} stream (${error.message}); decompress it with ${codec.tool} to see what a loader would get`,
    );
  }
  ctx.inflated.bytes += bytes.length;
  const name = fileName.replace(codec.ext, '').replace(/\.tgz$/i, '.tar') || 'content';
  const format2 = await inner(memorySource(bytes), memberPath(member, `${name}(${codec.tool})`));
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
