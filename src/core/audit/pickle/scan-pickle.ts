/**
 * Scans a byte stream that holds one or more pickles back to back (pickle.load called repeatedly
 * reads them all), and pickles hidden in byte/str constants, within the caps of {@link ScanLimits}.
 */
import type { Finding, ScanLimits, ScanSink } from '../types.js';
import type { PickleKind } from './globals-policy.js';
import { runPickle, type MachineResult } from './machine.js';

export interface PickleScanOptions {
  kind: PickleKind;
  limits: ScanLimits;
  sink: ScanSink;
  deadline: number;
  /** Member path for findings; undefined for a bare pickle file. */
  member?: string;
  /** Stop after this many pickles (legacy torch: the rest of the file is raw storage). */
  maxPickles?: number;
  /**
   * Shared across one file: how many more real nested pickles (constants that parse to STOP) may
   * be scanned. Candidates that fail to parse cost bytes, not budget: their cost is bounded by
   * the nesting depth times the file size.
   */
  budget?: { nested: number };
  depth?: number;
  /** The file's sink, for what nested scans could not read (their own sink only collects). */
  root?: ScanSink;
  /** Byte constants that start like a container (zip, gzip …), for the caller to scan as files. */
  embedded?: (bytes: Uint8Array, offset: number, member: string) => void;
}

export interface PickleScanResult {
  pickles: MachineResult[];
  /** Offset after the last complete pickle. */
  end: number;
  /** Every pickle reached STOP (trailing non-pickle bytes aside). */
  complete: boolean;
}

const label = (member: string | undefined, index: number) =>
  index === 0 ? member : `${member ?? ''}#pickle${index + 1}`;

/** Scans `buf` as a pickle stream. Findings seen before a parse error are still reported. */
export function scanPickleStream(buf: Uint8Array, o: PickleScanOptions): PickleScanResult {
  const budget = o.budget ?? { nested: o.limits.maxNestedPickles };
  const depth = o.depth ?? 0;
  const root = o.root ?? o.sink;
  const results: MachineResult[] = [];
  let pos = 0;
  let complete = true;
  while (pos < buf.length && results.length < (o.maxPickles ?? Infinity)) {
    const index = results.length;
    const member = label(o.member, index);
    const result = runPickle(buf, pos, {
      kind: o.kind,
      limits: o.limits,
      member,
      deadline: o.deadline,
      report: (f) => o.sink.add(f),
      ...(o.embedded
        ? { embedded: (bytes, offset) => o.embedded!(bytes, offset, `${member ?? ''}!embedded@${offset}`) }
        : {}),
      nested: (bytes, offset) => {
        const where = `${member ?? ''}!nested@${offset}`;
        // Past a cap the constant is not scanned, and the file says so: silence here would let a
        // payload hide behind decoys (torch.storage._load_from_bytes unpickles its argument).
        if (depth + 1 > o.limits.maxNestingDepth)
          return root.unscannable(
            `${where}: a constant that may be a pickle is nested deeper than ${o.limits.maxNestingDepth}, not scanned`,
          );
        if (budget.nested <= 0)
          return root.unscannable(
            `${where}: the budget of ${o.limits.maxNestedPickles} nested pickles is used up, later constants were not scanned`,
          );
        scanNested(bytes, offset, { ...o, budget, root, depth: depth + 1, member: where });
      },
    });
    results.push(result);
    if (result.limit) {
      o.sink.unscannable(`${member ?? 'pickle'}: ${result.limit} (at byte ${result.errorOffset})`);
      complete = false;
      break;
    }
    if (result.error) {
      if (index === 0) {
        o.sink.unscannable(`${member ?? 'pickle'}: ${result.error} (at byte ${result.errorOffset})`);
        complete = false;
      } else {
        o.sink.add({
          rule: 'PICKLE-TRAILING-DATA',
          severity: 'low',
          message: `${buf.length - pos} byte(s) after the last complete pickle are not a pickle (${result.error})`,
          ...(o.member !== undefined ? { member: o.member } : {}),
          offset: pos,
        });
      }
      break;
    }
    if (index === 0 || o.member === undefined) o.sink.scanned(member ?? 'pickle');
    pos = result.end;
  }
  return { pickles: results, end: pos, complete };
}

function scanNested(bytes: Uint8Array, offset: number, o: PickleScanOptions): void {
  const found: Finding[] = [];
  const sink: ScanSink = { add: (f) => found.push(f), unscannable: () => {}, scanned: () => {} };
  const result = scanPickleStream(bytes, { ...o, sink, maxPickles: 1 });
  const parsed = result.pickles[0]?.stopped === true;
  if (parsed && o.budget) o.budget.nested--;
  // A constant that merely ends in '.' is not a pickle: keep its findings only when it parsed,
  // or when they are severe enough that a partial parse already proves intent.
  const keep = found.filter((f) => parsed || f.severity === 'critical' || f.severity === 'high');
  if (parsed && keep.length > 0)
    o.sink.add({
      rule: 'PICKLE-NESTED',
      severity: keep.some((f) => f.severity === 'critical' || f.severity === 'high') ? 'high' : 'medium',
      message: `a byte/str constant at offset ${offset} is itself a pickle with findings`,
      ...(o.member !== undefined ? { member: o.member } : {}),
      offset,
    });
  for (const f of keep) o.sink.add(f);
}
