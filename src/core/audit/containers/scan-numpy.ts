/**
 * .npy: a header dict, then either raw array bytes or — for object dtypes — a pickle that
 * np.load(allow_pickle=True) unpickles. The pickle is scanned with the numpy allowlist.
 */
import { finding, type ScanContext } from '../scan-context.js';
import { scanPickleStream } from '../pickle/scan-pickle.js';
import type { ByteSource } from '../source.js';

const ITEM_SIZE: Record<string, number> = {
  b: 1,
  B: 1,
  '?': 1,
  h: 2,
  H: 2,
  i: 4,
  I: 4,
  l: 8,
  L: 8,
  q: 8,
  Q: 8,
  e: 2,
  f: 4,
  d: 8,
  g: 16,
  F: 8,
  D: 16,
};

export async function scanNumpy(
  src: ByteSource,
  member: string | undefined,
  ctx: ScanContext,
): Promise<void> {
  const where = member ?? 'npy';
  const head = await src.read(0, 12);
  if (head.length < 10) return ctx.sink.unscannable(`${where}: truncated .npy header`);
  const major = head[6]!;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const headerLen = major === 1 ? v.getUint16(8, true) : v.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (major < 1 || major > 3) return ctx.sink.unscannable(`${where}: unknown .npy version ${major}`);
  if (headerLen > 1024 * 1024 || start + headerLen > src.size)
    return ctx.sink.unscannable(`${where}: .npy header length ${headerLen} is out of bounds`);
  const header = Buffer.from(await src.read(start, headerLen)).toString('latin1');
  const descr = /'descr'\s*:\s*('([^']*)'|\[.*\])/s.exec(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shape)
    return ctx.sink.unscannable(`${where}: .npy header is not a dict with descr and shape`);
  const dataStart = start + headerLen;
  // A plain descr ('|O', '<i8') or a structured one ([('a', '<i4'), ('b', '|O')]).
  const objectDtype = descr[2] !== undefined ? /O/.test(descr[2]) : /'[<>|=]?O\d*'/.test(descr[1]!);
  if (objectDtype) {
    if (src.size - dataStart > ctx.limits.maxMemberBytes)
      return ctx.sink.unscannable(`${where}: object array pickle over the size limit`);
    const bytes = await src.read(dataStart, src.size - dataStart);
    scanPickleStream(bytes, {
      kind: 'numpy',
      limits: ctx.limits,
      sink: {
        add: (f) => ctx.sink.add({ ...f, offset: (f.offset ?? 0) + dataStart }),
        unscannable: (r) => ctx.sink.unscannable(r),
        scanned: (m) => ctx.sink.scanned(m),
      },
      deadline: ctx.deadline,
      budget: ctx.budget,
      member: `${member ?? 'array'}:object-data`,
      maxPickles: 1,
    });
    return;
  }
  const dims = shape[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const m = /^[<>|=]?([a-zA-Z?])(\d*)$/.exec(descr[2] ?? '');
  if (m && dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    const item = m[2] ? Number(m[2]) * (m[1] === 'U' ? 4 : 1) : (ITEM_SIZE[m[1]!] ?? 0);
    const expected = dims.reduce((a, b) => a * b, 1) * item;
    if (item > 0 && expected > src.size - dataStart)
      ctx.sink.add(
        finding(
          'NUMPY-TRUNCATED',
          'medium',
          `shape and dtype need ${expected} bytes, the file holds ${src.size - dataStart}`,
          member,
        ),
      );
  }
}
