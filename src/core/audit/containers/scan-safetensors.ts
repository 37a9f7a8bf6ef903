/**
 * safetensors: an 8-byte header length, a JSON header, then tensor bytes. Nothing here executes,
 * but a header that lies (bounds, overlaps, sizes) is how parser differentials and DoS start.
 */
import { finding, type ScanContext } from '../scan-context.js';
import type { ByteSource } from '../source.js';

const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
  C64: 8,
  C128: 16,
};
const MAX_HEADER = 100_000_000;

export async function scanSafetensors(
  src: ByteSource,
  member: string | undefined,
  ctx: ScanContext,
): Promise<void> {
  const where = member ?? 'safetensors';
  const add = (rule: string, severity: 'low' | 'medium' | 'high', message: string, offset?: number) =>
    ctx.sink.add(finding(rule, severity, message, member, offset));
  const lenBytes = await src.read(0, 8);
  const headerLen = Number(new DataView(lenBytes.buffer, lenBytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLen > MAX_HEADER) {
    add(
      'SAFETENSORS-HEADER',
      'medium',
      `header of ${headerLen} bytes is over the 100 MB limit loaders enforce`,
      0,
    );
    return ctx.sink.unscannable(`${where}: header too large to read`);
  }
  if (8 + headerLen > src.size) {
    add(
      'SAFETENSORS-HEADER',
      'medium',
      `header length ${headerLen} runs past the end of the file (${src.size} bytes)`,
      0,
    );
    return ctx.sink.unscannable(`${where}: truncated header`);
  }
  const text = Buffer.from(await src.read(8, headerLen)).toString('utf8');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    return ctx.sink.unscannable(`${where}: header is not JSON`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    return ctx.sink.unscannable(`${where}: header is not a JSON object`);
  // JSON.parse keeps the last of duplicate keys; other loaders may keep the first, so one file
  // can mean two different models: a parser differential worth naming.
  for (const key of duplicateTopLevelKeys(text))
    add(
      'SAFETENSORS-DUPLICATE-KEY',
      'medium',
      `header names ${JSON.stringify(key)} more than once; loaders disagree on which entry wins`,
    );
  const dataSize = src.size - 8 - headerLen;
  const spans: Array<[number, number, string]> = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      const meta = raw as Record<string, unknown>;
      if (typeof meta !== 'object' || meta === null || Object.values(meta).some((v) => typeof v !== 'string'))
        add('SAFETENSORS-HEADER', 'medium', '__metadata__ must map strings to strings');
      if (JSON.stringify(meta).length > 1024 * 1024)
        add('SAFETENSORS-HEADER', 'low', '__metadata__ is over 1 MB');
      continue;
    }
    const t = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const offsets = t?.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((n) => Number.isSafeInteger(n) && n >= 0) ||
      !Array.isArray(t.shape) ||
      !t.shape.every((n) => Number.isSafeInteger(n) && (n as number) >= 0) ||
      typeof t.dtype !== 'string'
    ) {
      add('SAFETENSORS-HEADER', 'medium', `tensor ${JSON.stringify(name)} has a malformed entry`);
      continue;
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end)
      add('SAFETENSORS-BOUNDS', 'medium', `tensor ${JSON.stringify(name)}: data_offsets begin > end`);
    if (end > dataSize)
      add(
        'SAFETENSORS-BOUNDS',
        'medium',
        `tensor ${JSON.stringify(name)}: data ends at ${end}, past the ${dataSize} data bytes`,
      );
    const item = DTYPE_BYTES[t.dtype];
    if (item === undefined)
      add('SAFETENSORS-HEADER', 'medium', `tensor ${JSON.stringify(name)}: unknown dtype ${t.dtype}`);
    else {
      let n = BigInt(item);
      for (const d of t.shape as number[]) n *= BigInt(d);
      if (n !== BigInt(end - begin))
        add(
          'SAFETENSORS-BOUNDS',
          'medium',
          `tensor ${JSON.stringify(name)}: shape × dtype is ${n} bytes, the span is ${end - begin}`,
        );
    }
    spans.push([begin, end, name]);
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cursor = 0;
  for (const [begin, end, name] of spans) {
    if (begin < cursor)
      add('SAFETENSORS-OVERLAP', 'medium', `tensor ${JSON.stringify(name)} overlaps the previous tensor`);
    else if (begin > cursor)
      add(
        'SAFETENSORS-HOLE',
        'low',
        `${begin - cursor} unreferenced byte(s) before tensor ${JSON.stringify(name)}`,
      );
    cursor = Math.max(cursor, end);
  }
  if (cursor < dataSize)
    add('SAFETENSORS-HOLE', 'low', `${dataSize - cursor} unreferenced byte(s) after the last tensor`);
}

/** Keys that occur more than once in the top-level object of valid JSON `text` (escapes decoded). */
export function duplicateTopLevelKeys(text: string): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (depth !== 1) continue;
      let j = i + 1;
      while (j < text.length && ' \t\r\n'.includes(text[j]!)) j++;
      if (text[j] !== ':') continue;
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      if (seen.has(key)) duplicates.add(key);
      seen.add(key);
    }
  }
  return [...duplicates];
}
