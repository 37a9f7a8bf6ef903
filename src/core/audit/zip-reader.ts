/**
 * A ZIP reader for scanning, not extracting: it reads the central directory and every local
 * header, and keeps the places where they disagree, because loaders disagree too (Python's
 * zipfile trusts the central directory and checks CRCs and flags; torch's miniz reader does not).
 */
import { inflateRawSync } from 'node:zlib';
import type { ByteSource } from './source.js';

export interface ZipEntry {
  name: string;
  /** Name in the local header, when it differs from the central directory. */
  localName?: string;
  method: number;
  localMethod?: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** Where the member's data starts (after the local header). */
  dataOffset: number;
  symlink: boolean;
  /** Not in the central directory: found only by walking local headers. */
  hidden?: boolean;
  localSizesDiffer?: boolean;
}

export interface ZipDirectory {
  entries: ZipEntry[];
  /** Bytes before the first local header (a polyglot or self-extractor stub). */
  prepended: number;
  /** Bytes after the end-of-central-directory record and its comment. */
  appended: number;
  problems: string[];
}

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;

/** Reads the directory; throws an Error with a readable message when there is no usable directory. */
export async function readZipDirectory(src: ByteSource, maxEntries = 200_000): Promise<ZipDirectory> {
  const tailLen = Math.min(src.size, 65_557);
  const tail = await src.read(src.size - tailLen, tailLen);
  const tv = view(tail);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end-of-central-directory record (truncated or not a zip)');
  const eocdAbs = src.size - tailLen + eocd;
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  const commentLen = tv.getUint16(eocd + 20, true);
  const problems: string[] = [];
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc >= 0 && tv.getUint32(loc, true) === ZIP64_LOCATOR) {
      const recOffset = Number(tv.getBigUint64(loc + 8, true));
      const rec = await src.read(recOffset, 56);
      const rv = view(rec);
      if (rec.length < 56 || rv.getUint32(0, true) !== ZIP64_EOCD) throw new Error('broken ZIP64 end record');
      count = Number(rv.getBigUint64(32, true));
      cdSize = Number(rv.getBigUint64(40, true));
      cdOffset = Number(rv.getBigUint64(48, true));
    }
  }
  if (count > maxEntries) throw new Error(`${count} entries, more than the ${maxEntries} limit`);
  // Data prepended to the archive shifts every offset; zipfile compensates, so do we: when no
  // central directory starts at the recorded offset, it is assumed to end where the end records begin.
  let shift = 0;
  if (!(await startsWithSignature(src, cdOffset, CEN)) && cdSize > 0) {
    const zip64Records = eocd >= 20 && tv.getUint32(eocd - 20, true) === ZIP64_LOCATOR ? 20 + 56 : 0;
    const guess = eocdAbs - zip64Records - cdSize - cdOffset;
    if (guess > 0 && (await startsWithSignature(src, cdOffset + guess, CEN))) shift = guess;
  }
  if (cdSize > src.size) throw new Error('central directory larger than the file');
  const cd = await src.read(cdOffset + shift, cdSize);
  const cv = view(cd);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cd.length || cv.getUint32(at, true) !== CEN) {
      problems.push(`central directory ends after ${i} of ${count} entries`);
      break;
    }
    const madeBy = cv.getUint16(at + 4, true);
    const flags = cv.getUint16(at + 8, true);
    const method = cv.getUint16(at + 10, true);
    const crc = cv.getUint32(at + 16, true);
    let compressedSize = cv.getUint32(at + 20, true);
    let size = cv.getUint32(at + 24, true);
    const nameLen = cv.getUint16(at + 28, true);
    const extraLen = cv.getUint16(at + 30, true);
    const commentLength = cv.getUint16(at + 32, true);
    const external = cv.getUint32(at + 38, true);
    let localOffset = cv.getUint32(at + 42, true);
    const name = Buffer.from(cd.subarray(at + 46, at + 46 + nameLen)).toString('utf8');
    // ZIP64 extra field: the 0xFFFFFFFF fields follow in order.
    let e = at + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd && e + 4 <= cd.length) {
      const id = cv.getUint16(e, true);
      const len = cv.getUint16(e + 2, true);
      if (id === 0x0001) {
        let p = e + 4;
        const next = () => {
          const v = p + 8 <= e + 4 + len && p + 8 <= cd.length ? Number(cv.getBigUint64(p, true)) : 0;
          p += 8;
          return v;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localOffset === 0xffffffff) localOffset = next();
      }
      e += 4 + len;
    }
    const unixMode = madeBy >> 8 === 3 ? external >>> 16 : 0;
    entries.push({
      name,
      method,
      flags,
      crc,
      compressedSize,
      size,
      localOffset: localOffset + shift,
      dataOffset: -1,
      symlink: (unixMode & 0xf000) === 0xa000,
    });
    at = extraEnd + commentLength;
  }
  for (const entry of entries) await readLocalHeader(src, entry, problems);
  const known = new Set(entries.map((x) => x.localOffset));
  const first = entries.length ? Math.min(...entries.map((x) => x.localOffset)) : cdOffset + shift;
  await findHiddenEntries(src, entries, known, first, cdOffset + shift);
  return {
    entries,
    prepended: first,
    appended: Math.max(0, src.size - (eocdAbs + 22 + commentLen)),
    problems,
  };
}

async function readLocalHeader(src: ByteSource, entry: ZipEntry, problems: string[]) {
  const head = await src.read(entry.localOffset, 30);
  if (head.length < 30 || view(head).getUint32(0, true) !== LOC) {
    problems.push(`${entry.name}: no local header at offset ${entry.localOffset}`);
    return;
  }
  const hv = view(head);
  const method = hv.getUint16(8, true);
  const flags = hv.getUint16(6, true);
  const nameLen = hv.getUint16(26, true);
  const extraLen = hv.getUint16(28, true);
  const nameBytes = await src.read(entry.localOffset + 30, nameLen);
  const localName = Buffer.from(nameBytes).toString('utf8');
  if (localName !== entry.name) entry.localName = localName;
  if (method !== entry.method) entry.localMethod = method;
  if (!(flags & 0x08)) {
    const c = hv.getUint32(18, true);
    const u = hv.getUint32(22, true);
    if ((c !== 0xffffffff && c !== entry.compressedSize) || (u !== 0xffffffff && u !== entry.size))
      entry.localSizesDiffer = true;
  }
  entry.dataOffset = entry.localOffset + 30 + nameLen + extraLen;
}

/** Local headers between the known entries that the central directory does not list. */
async function findHiddenEntries(
  src: ByteSource,
  entries: ZipEntry[],
  known: Set<number>,
  start: number,
  cdStart: number,
) {
  const sorted = [...entries].filter((e) => e.dataOffset >= 0).sort((a, b) => a.localOffset - b.localOffset);
  const gaps: Array<[number, number]> = [];
  let cursor = start;
  for (const e of sorted) {
    if (e.localOffset > cursor) gaps.push([cursor, e.localOffset]);
    cursor = Math.max(cursor, e.dataOffset + e.compressedSize);
    // A data descriptor (12–24 bytes) may follow; gaps shorter than that are not entries.
  }
  if (cdStart > cursor) gaps.push([cursor, cdStart]);
  for (const [from, to] of gaps) {
    if (to - from < 30 || to - from > 64 * 1024 * 1024) continue;
    const bytes = await src.read(from, to - from);
    const bv = view(bytes);
    for (let i = 0; i + 30 <= bytes.length; i++) {
      if (bv.getUint32(i, true) !== LOC || known.has(from + i)) continue;
      const nameLen = bv.getUint16(i + 26, true);
      const extraLen = bv.getUint16(i + 28, true);
      const compressedSize = bv.getUint32(i + 18, true);
      entries.push({
        name: Buffer.from(bytes.subarray(i + 30, i + 30 + nameLen)).toString('utf8'),
        method: bv.getUint16(i + 8, true),
        flags: bv.getUint16(i + 6, true),
        crc: bv.getUint32(i + 14, true),
        compressedSize,
        size: bv.getUint32(i + 22, true),
        localOffset: from + i,
        dataOffset: from + i + 30 + nameLen + extraLen,
        symlink: false,
        hidden: true,
      });
    }
  }
}

export type MemberRead = { ok: true; bytes: Uint8Array; complete: boolean } | { ok: false; reason: string };

/**
 * The member's bytes, or only the first `limit` of them. Flags (encryption) are ignored on
 * purpose: the caller decides what a readable "encrypted" member means.
 */
export async function readZipMember(src: ByteSource, entry: ZipEntry, limit: number): Promise<MemberRead> {
  if (entry.dataOffset < 0) return { ok: false, reason: 'no local header' };
  const method = entry.localMethod ?? entry.method;
  if (method === 0) {
    const n = Math.min(entry.compressedSize, limit);
    const bytes = await src.read(entry.dataOffset, n);
    return { ok: true, bytes, complete: n === entry.compressedSize && bytes.length === n };
  }
  if (method !== 8) return { ok: false, reason: `compression method ${method} is not supported` };
  if (entry.size <= limit) {
    const input = await src.read(entry.dataOffset, entry.compressedSize);
    try {
      return {
        ok: true,
        bytes: inflateRawSync(input, { maxOutputLength: Math.max(1, limit) }),
        complete: true,
      };
    } catch (error) {
      return { ok: false, reason: inflateProblem(error, limit) };
    }
  }
  // A head only: inflate a small prefix of the input (partial input is fine with a sync flush).
  const input = await src.read(entry.dataOffset, Math.min(entry.compressedSize, 8192));
  try {
    const bytes = inflateRawSync(input, {
      maxOutputLength: 16 * 1024 * 1024,
      finishFlush: 2 /* Z_SYNC_FLUSH */,
    });
    return { ok: true, bytes: bytes.subarray(0, limit), complete: false };
  } catch (error) {
    return { ok: false, reason: inflateProblem(error, limit) };
  }
}

function inflateProblem(error: unknown, limit: number): string {
  const code = (error as { code?: string }).code;
  if (code === 'ERR_BUFFER_TOO_LARGE') return `inflates to more than ${limit} bytes`;
  return `deflate data is corrupt (${(error as Error).message})`;
}

async function startsWithSignature(src: ByteSource, offset: number, signature: number): Promise<boolean> {
  const b = await src.read(offset, 4);
  return b.length === 4 && view(b).getUint32(0, true) === signature;
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
