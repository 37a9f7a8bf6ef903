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
  /** Shared across one file: how many nested pickles may still be scanned. */
  budget?: { nested: number };
  depth?: number;
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
      nested: (bytes, offset) => {
        if (depth + 1 > o.limits.maxNestingDepth || budget.nested <= 0) return;
        budget.nested--;
        scanNested(bytes, offset, {
          ...o,
          budget,
          depth: depth + 1,
          member: `${member ?? ''}!nested@${offset}`,
        });
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
