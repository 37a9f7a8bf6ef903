/**
 * ZIP-based containers (torch.save, .keras, .npz, plain zip): every member is sniffed by content
 * and scanned by what it is; the archive itself is checked for the tricks that make one loader
 * see something else than another (header mismatch, flags, CRC, hidden entries) or that attack
 * the extractor (path traversal, symlinks, bombs).
 */
import { crc32 } from 'node:zlib';
import { sniffFormat, SNIFF_BYTES } from '../../registry/sniff-format.js';
import { finding, memberPath, type ScanContext } from '../scan-context.js';
import { scanSource } from '../scan-file.js';
import { memorySource } from '../source.js';
import type { ByteSource } from '../source.js';
import { readZipDirectory, readZipMember, type ZipEntry } from '../zip-reader.js';
import type { PickleKind } from '../pickle/globals-policy.js';
import { runPickle } from '../pickle/machine.js';
import { Collector } from '../scan-context.js';

const FLAG_ENCRYPTED = 0x01;
const FLAG_PATCHED = 0x20;
const FLAG_STRONG_ENCRYPTION = 0x40;
/** Members this small are always read whole (configs, pickles, metadata). */
const SMALL_MEMBER = 64 * 1024 * 1024;

export async function scanZip(
  src: ByteSource,
  member: string | undefined,
  ctx: ScanContext,
  format: string,
): Promise<void> {
  const where = member ?? 'archive';
  if (ctx.depth > ctx.limits.maxNestingDepth) {
    ctx.sink.unscannable(`${where}: archives nested deeper than ${ctx.limits.maxNestingDepth}`);
    return;
  }
  let dir;
  try {
    dir = await readZipDirectory(src);
  } catch (error) {
    ctx.sink.unscannable(`${where}: unreadable zip (${(error as Error).message})`);
    return;
  }
  for (const problem of dir.problems) ctx.sink.unscannable(`${where}: ${problem}`);
  if (dir.prepended > 0)
    ctx.sink.add(
      finding(
        'ZIP-PREPENDED-DATA',
        'medium',
        `${dir.prepended} byte(s) before the first zip entry (polyglot file)`,
        member,
        0,
      ),
    );
  if (dir.appended > 0)
    ctx.sink.add(
      finding('ZIP-APPENDED-DATA', 'low', `${dir.appended} byte(s) after the end of the zip`, member),
    );
  const kind: PickleKind = format === 'pytorch' ? 'torch' : format === 'npz' ? 'numpy' : 'generic';
  const names = new Map<string, number>();
  let declared = 0;
  for (const entry of dir.entries) {
    names.set(entry.name, (names.get(entry.name) ?? 0) + 1);
    declared += entry.size;
  }
  for (const [name, count] of names)
    if (count > 1)
      ctx.sink.add(
        finding(
          'ZIP-DUPLICATE-NAME',
          'medium',
          `${count} entries are named ${name}; loaders pick different ones`,
          member,
        ),
      );
  if (declared > ctx.limits.maxDecompressedBytes)
    ctx.sink.add(
      finding(
        'ZIP-BOMB',
        'high',
        `members declare ${declared} bytes uncompressed, over the ${ctx.limits.maxDecompressedBytes} limit`,
        member,
      ),
    );
  for (const entry of dir.entries) {
    if (entry.name.endsWith('/') && entry.size === 0) continue;
    await scanEntry(src, entry, member, ctx, kind, format);
  }
}

async function scanEntry(
  src: ByteSource,
  entry: ZipEntry,
  parent: string | undefined,
  ctx: ScanContext,
  kind: PickleKind,
  format: string,
): Promise<void> {
  const path = memberPath(parent, entry.name);
  const add = (rule: string, severity: 'low' | 'medium' | 'high' | 'critical', message: string) =>
    ctx.sink.add(finding(rule, severity, message, path, entry.localOffset));
  checkName(entry.name, add);
  if (entry.symlink)
    add('ZIP-SYMLINK', 'high', 'member is a symbolic link; extracting it can redirect later writes');
  if (entry.hidden)
    add(
      'ZIP-HIDDEN-ENTRY',
      'high',
      'a local file header the central directory does not list (loaders disagree on it)',
    );
  if (entry.localName !== undefined)
    add(
      'ZIP-HEADER-MISMATCH',
      'high',
      `local header names it ${JSON.stringify(entry.localName)}, the central directory ${JSON.stringify(entry.name)}`,
    );
  if (entry.localMethod !== undefined || entry.localSizesDiffer)
    add('ZIP-HEADER-MISMATCH', 'high', 'local header and central directory disagree on method or sizes');
  if (
    entry.compressedSize > 0 &&
    entry.size > 1024 * 1024 &&
    entry.size / entry.compressedSize > ctx.limits.maxRatio
  )
    add(
      'ZIP-BOMB',
      'high',
      `compression ratio ${Math.round(entry.size / entry.compressedSize)}:1 (${entry.size} bytes)`,
    );

  const encrypted = (entry.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_PATCHED)) !== 0;
  // Tensor payloads of torch archives: sniff the head only, so cost follows pickle bytes, not weights.
  const tensorData = format === 'pytorch' && /(^|\/)data\/\d+$/.test(entry.name);
  const small = entry.size <= SMALL_MEMBER && !tensorData;
  const read = await readZipMember(
    src,
    entry,
    small ? Math.min(entry.size, ctx.limits.maxMemberBytes) : SNIFF_BYTES,
  );
  if (!read.ok) {
    if (encrypted) ctx.sink.unscannable(`${path}: encrypted member (password required), not scanned`);
    else ctx.sink.unscannable(`${path}: ${read.reason}`);
    return;
  }
  let bytes = read.bytes;
  ctx.inflated.bytes += bytes.length;
  if (ctx.inflated.bytes > ctx.limits.maxDecompressedBytes) {
    ctx.sink.unscannable(`${path}: decompressed bytes over the ${ctx.limits.maxDecompressedBytes} limit`);
    return;
  }
  const headFormat = sniffFormat(bytes.subarray(0, SNIFF_BYTES));
  const picklish = headFormat === 'pickle' || headFormat === 'pytorch-legacy' || trialPickle(bytes, ctx);
  if (encrypted) {
    if (headFormat === 'unknown' && !picklish) {
      ctx.sink.unscannable(`${path}: encrypted member (password required), not scanned`);
      return;
    }
    add(
      'ZIP-FLAG-ANOMALY',
      'medium',
      `general-purpose flags 0x${entry.flags.toString(16)} claim encryption, but the data is readable: zipfile refuses it, torch.load reads it`,
    );
  }
  if (read.complete && (entry.localMethod ?? entry.method) !== 99 && crc32(bytes) >>> 0 !== entry.crc >>> 0)
    add(
      'ZIP-CRC-MISMATCH',
      'medium',
      'CRC-32 does not match the data (patched after writing; torch does not check it)',
    );
  if (!read.complete && (picklish || headFormat !== 'unknown') && !tensorData) {
    // A large member that is a model format of its own: read it whole (within limits).
    const full = await readZipMember(src, entry, ctx.limits.maxMemberBytes);
    if (!full.ok) {
      ctx.sink.unscannable(`${path}: ${full.reason}`);
      return;
    }
    bytes = full.bytes;
  } else if (!read.complete) {
    if (picklish || (headFormat !== 'unknown' && headFormat !== 'lfs-pointer')) {
      const full = await readZipMember(src, entry, ctx.limits.maxMemberBytes);
      if (full.ok) bytes = full.bytes;
      else ctx.sink.unscannable(`${path}: ${full.reason}`);
    } else {
      ctx.sink.scanned(`${path} (data, head sniffed)`);
      return;
    }
  }
  const inner = { ...ctx, depth: ctx.depth + 1 };
  const innerFormat = await scanSource(memorySource(bytes), path, inner, entry.name, { kind });
  if (innerFormat !== 'unknown') ctx.sink.scanned(path);
}

function trialPickle(bytes: Uint8Array, ctx: ScanContext): boolean {
  const first = bytes[0];
  if (first === undefined) return false;
  const probe = new Collector();
  const head = bytes.subarray(0, 64 * 1024);
  const result = runPickle(head, 0, {
    kind: 'generic',
    limits: ctx.limits,
    deadline: ctx.deadline,
    report: (f) => probe.add(f),
  });
  return result.stopped || probe.findings.some((f) => f.global !== undefined);
}

function checkName(name: string, add: (rule: string, severity: 'high', message: string) => void) {
  const normalized = name.replaceAll('\\', '/');
  if (
    normalized.startsWith('/') ||
    /^[A-Za-z]:/.test(normalized) ||
    normalized.split('/').includes('..') ||
    name.includes('\0')
  )
    add(
      'ZIP-PATH-TRAVERSAL',
      'high',
      `member name ${JSON.stringify(name)} escapes the extraction directory (zip slip)`,
    );
}
